"""Packaging files: spec helpers, the version include, desktop entries, installer.iss."""

from __future__ import annotations

import configparser
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from app import __version__, platform_check, selftest

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


def load(path: Path) -> ModuleType:
    """Import a script from packaging/ (it is not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def helpers() -> ModuleType:
    return load(PACKAGING / "spec_helpers.py")


@pytest.fixture(scope="module")
def version_iss() -> ModuleType:
    return load(PACKAGING / "windows" / "write_version_iss.py")


def test_lean_toc_drops_unused_qt_and_duplicates(helpers: ModuleType) -> None:
    toc = [
        ("PySide6/Qt/translations/qtbase_de.qm", "/src/a", "DATA"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/b", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/src/c", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", "/src/d", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/e", "BINARY"),
        ("PySide6\\Qt6Pdf.dll", "/src/f", "BINARY"),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/src/h", "BINARY"),
        ("libcups.so.2", "/usr/lib/libcups.so.2", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/b", "BINARY"),
        ("app/resources/icons/orderdesk-tray.svg", "/src/g", "DATA"),
    ]
    kept = [dest for dest, _src, _kind in helpers.lean_toc(toc)]
    assert kept == [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",  # real printers
        "app/resources/icons/orderdesk-tray.svg",
    ]  # libcups comes from the system (or printing offers PDF only)


def test_orphan_filter_keeps_what_extension_modules_link(helpers: ModuleType) -> None:
    # ldd closures of the kept code (the filter must read EXTENSION entries, not only BINARY).
    links = {
        "/py/lib-dynload/_sqlite3.so": ["libsqlite3.so.0"],
        "/py/lib-dynload/_ssl.so": ["libssl.so.3", "libcrypto.so.3"],
        "/py/lib-dynload/_bz2.so": ["libbz2.so.1.0"],
        "/py/lib-dynload/_uuid.so": ["/lib/x86_64-linux-gnu/libuuid.so.1"],
        "/qt/libqxcb.so": ["libQt6XcbQpa.so.6", "libxcb-cursor.so.0"],
        "/usr/lib/libpython3.11.so.1.0": ["libz.so.1"],
    }
    toc = [
        (
            "python3.11/lib-dynload/_sqlite3.cpython-311-x86_64-linux-gnu.so",
            "/py/lib-dynload/_sqlite3.so",
            "EXTENSION",
        ),
        (
            "python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
            "/py/lib-dynload/_ssl.so",
            "EXTENSION",
        ),
        (
            "python3.11/lib-dynload/_bz2.cpython-311-x86_64-linux-gnu.so",
            "/py/lib-dynload/_bz2.so",
            "EXTENSION",
        ),
        (
            "python3.11/lib-dynload/_uuid.cpython-311-x86_64-linux-gnu.so",
            "/py/lib-dynload/_uuid.so",
            "EXTENSION",
        ),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
        ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY"),
    ]
    libraries = [
        "libsqlite3.so.0",
        "libssl.so.3",
        "libcrypto.so.3",
        "libbz2.so.1.0",
        "libuuid.so.1",
        "libQt6XcbQpa.so.6",
        "libxcb-cursor.so.0",
        "libz.so.1",
    ]
    orphans = ["libgtk-3.so.0", "libgdk-3.so.0"]  # only the dropped GTK theme plugin linked them
    toc += [(name, f"/usr/lib/{name}", "BINARY") for name in libraries + orphans]

    def imports(source: str) -> list[tuple[str, str | None]]:
        return [(name, None) for name in links.get(source, [])]

    kept = [dest for dest, _src, _kind in helpers.drop_orphan_system_libs(toc, imports)]

    assert [dest for dest in kept if helpers.is_top_level_lib(dest)] == libraries
    assert not set(orphans) & set(kept)
    assert "libpython3.11.so.1.0" in kept and len(kept) == len(toc) - len(orphans)


def test_a_system_only_librarys_closure_is_left_to_the_system(helpers: ModuleType) -> None:
    # The print plugin links libcups; libcups (from the system) links GnuTLS and Avahi.
    links = {
        "/qt/libcupsprintersupport.so": [
            ("libQt6PrintSupport.so.6", None),
            ("libcups.so.2", "/usr/lib/libcups.so.2"),
            ("libgnutls.so.30", None),
            ("libavahi-client.so.3", None),
            ("libz.so.1", None),
        ],
        "/usr/lib/libcups.so.2": [("libgnutls.so.30", None), ("libavahi-client.so.3", None)],
        "/qt/libqxcb.so": [("libz.so.1", None)],
    }
    toc = [
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/qt/libcupsprintersupport.so",
         "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
    ]  # fmt: skip
    names = ["libQt6PrintSupport.so.6", "libgnutls.so.30", "libavahi-client.so.3", "libz.so.1"]
    toc += [(name, f"/usr/lib/{name}", "BINARY") for name in names]

    kept = [dest for dest, _src, _kind in helpers.drop_orphan_system_libs(toc, links.__getitem__)]

    assert [d for d in kept if helpers.is_top_level_lib(d)] == ["libQt6PrintSupport.so.6",
                                                              "libz.so.1"]  # fmt: skip


OBJDUMP_P = """
Dynamic Section:
  NEEDED               libc.so.6
Version definitions:
1 0x01 0x0865f4e6 libfake.so.1
2 0x00 0x06969197 GLIBC_2.99
Version References:
  required from libgcc_s.so.1:
    0x0b792650 0x00 05 GCC_3.0
  required from libc.so.6:
    0x06969194 0x00 04 GLIBC_2.14
    0x0d696916 0x00 03 GLIBC_2.36
    0x09691a75 0x00 02 GLIBC_2.2.5
"""


def test_glibc_references_come_from_what_a_file_needs(helpers: ModuleType) -> None:
    # GLIBC_2.99 is a version the file defines, not one it needs
    assert max(helpers.glibc_references(OBJDUMP_P)) == (2, 36)
    assert helpers.glibc_references("Dynamic Section:\n") == []


@pytest.mark.skipif(shutil.which("objdump") is None, reason="needs binutils")
def test_build_info_records_the_newest_glibc_a_bundled_file_needs(
    helpers: ModuleType, tmp_path: Path
) -> None:
    bundle = tmp_path / "orderdesk-tray"
    (bundle / "_internal").mkdir(parents=True)
    python = Path(sys.executable).resolve()
    shutil.copy(python, bundle / "_internal" / "some-binary")
    (bundle / "_internal" / "notes.txt").write_text("not ELF")
    info = helpers.write_build_info(bundle)
    recorded = json.loads((bundle / "_internal" / "orderdesk-build.json").read_text())
    assert recorded == info and recorded["glibc_required_by"] == "some-binary"
    assert platform_check.parse_version(recorded["glibc_required"]) is not None
    running = platform_check.running_glibc()
    assert running is None or platform_check.glibc_problem(recorded, running) is None


def test_glibc_check_runs_before_every_other_hook_of_both_executables() -> None:
    spec = (PACKAGING / "orderdesk-tray.spec").read_text(encoding="utf-8")
    # one Analysis call, used for the tray and the MCP command; custom hooks run first
    assert spec.count("Analysis(") == 1
    assert 'runtime_hooks=[str(PACKAGING / "rthook_platform_check.py")]' in spec
    hook = (PACKAGING / "rthook_platform_check.py").read_text(encoding="utf-8")
    code = [line for line in hook.splitlines() if line and not line.startswith(("#", " "))]
    assert code[-1] == 'exit_if_unsupported(gui=Path(sys.executable).stem == "orderdesk-tray")'
    assert "write_build_info(Path(DISTPATH)" in spec


def test_version_tuple_pads_to_four_numbers(helpers: ModuleType) -> None:
    assert helpers.version_tuple("1.2.3") == (1, 2, 3, 0)
    assert helpers.version_tuple("2") == (2, 0, 0, 0)


def test_version_include_comes_from_the_package(
    version_iss: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert version_iss.read_version() == __version__
    output = tmp_path / "version.iss"
    assert version_iss.main([str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert f'#define AppVersion "{__version__}"' in text
    assert re.search(r'#define AppVersionNumeric "\d+\.\d+\.\d+\.\d+"', text)
    assert version_iss.numeric_version("1.4.0rc2") == "1.4.0.0"
    assert str(output) in capsys.readouterr().out


def test_spec_bundles_every_keyring_backend_the_selftest_checks() -> None:
    spec = (PACKAGING / "orderdesk-tray.spec").read_text(encoding="utf-8")
    for module in selftest.KEYRING_MODULES:
        assert f'"{module}"' in spec, module
    assert 'contents_directory="_internal"' in spec and '"LSUIElement": True' in spec


@pytest.mark.parametrize("name", ["orderdesk-tray.desktop", "orderdesk-tray-autostart.desktop"])
def test_desktop_entries_are_well_formed(name: str) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PACKAGING / "linux" / name, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "OrderDesk Tray"
    assert entry["Exec"] == "orderdesk-tray" and entry["Icon"] == "orderdesk-tray"
    assert (REPO / "app" / "resources" / "icons" / f"{entry['Icon']}.svg").is_file()


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_install_desktop_script_installs_and_removes(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "share").mkdir(parents=True)
    icons = bundle / "_internal" / "app" / "resources" / "icons"
    shutil.copytree(REPO / "app" / "resources" / "icons", icons)
    for name in ("orderdesk-tray.desktop", "orderdesk-tray-autostart.desktop"):
        shutil.copy(PACKAGING / "linux" / name, bundle / "share" / name)
    shutil.copy(PACKAGING / "linux" / "install-desktop.sh", bundle / "install-desktop.sh")
    home = tmp_path / "home"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    script = str(bundle / "install-desktop.sh")

    subprocess.run(["sh", script, "--autostart"], env=env, check=True, capture_output=True)
    menu = (home / ".local/share/applications/orderdesk-tray.desktop").read_text()
    assert f'Exec="{bundle}/orderdesk-tray"' in menu
    assert (home / ".config/autostart/orderdesk-tray.desktop").is_file()
    assert (home / ".local/share/icons/hicolor/48x48/apps/orderdesk-tray.png").is_file()
    assert (home / ".local/bin/orderdesk-mcp").is_symlink()

    subprocess.run(["sh", script, "--uninstall"], env=env, check=True, capture_output=True)
    assert not (home / ".local/share/applications/orderdesk-tray.desktop").exists()
    assert not (home / ".config/autostart/orderdesk-tray.desktop").exists()
    assert not (home / ".local/bin/orderdesk-mcp").exists()
    assert not list(home.glob(".local/share/icons/hicolor/*/apps/orderdesk-tray.*"))


def test_installer_script_keeps_its_promises() -> None:
    iss = (REPO / "installer.iss").read_text(encoding="utf-8")
    settings = dict(re.findall(r"^(\w+)=(.*)$", iss, re.M))
    assert settings["PrivilegesRequired"] == "lowest"
    assert settings["PrivilegesRequiredOverridesAllowed"] == "dialog"
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", settings["AppId"])
    assert settings["AppVersion"] == "{#AppVersion}"
    assert settings["CloseApplications"] == "force"
    assert '#include "packaging\\windows\\version.iss"' in iss
    assert "Tasks: desktopicon" in iss and "Tasks: autostart" in iss
    assert r"CurrentVersion\Run" in iss and "usPostUninstall" in iss
    bundle_files = {"orderdesk-tray.exe", "orderdesk-mcp.exe"}
    assert bundle_files <= set(re.findall(r"orderdesk-[a-z]+\.exe", iss))
    assert (REPO / settings["SetupIconFile"].replace("\\", "/")).is_file()


def test_the_spec_excludes_no_qt_module_the_app_imports() -> None:
    spec = (PACKAGING / "orderdesk-tray.spec").read_text(encoding="utf-8")
    excluded = set(re.findall(r'"PySide6\.(Qt\w+)"', spec))
    app = PACKAGING.parent / "app"
    used = {
        name
        for path in app.rglob("*.py")
        for name in re.findall(r"^\s*from PySide6\.(Qt\w+) import", path.read_text("utf-8"), re.M)
    }
    assert "QtPrintSupport" in used  # packing slips and pick lists
    assert not used & excluded, f"the bundle would lack {sorted(used & excluded)}"
