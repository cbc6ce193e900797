"""The .deb (packaging/linux/build-deb.sh): its contents, its metadata, and a clean install and
removal with dpkg into a throw-away root. Built from a small stand-in bundle for speed; the
real bundle's package is built and installed the same way in a debootstrap root by hand (see
the commit message)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app import __version__
from app.resources import ICON_PNG_SIZES

REPO = Path(__file__).resolve().parents[2]
BUILD_DEB = REPO / "packaging" / "linux" / "build-deb.sh"
PREFIX = "opt/orderdesk-tray"

pytestmark = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("dpkg") is None, reason="needs dpkg"
)


def stand_in_bundle(folder: Path) -> Path:
    """A bundle with the layout build.sh makes: two executables, _internal with icons, a library."""
    bundle = folder / "orderdesk-tray"
    internal = bundle / "_internal"
    shutil.copytree(REPO / "app" / "resources" / "icons", internal / "app" / "resources" / "icons")
    (internal / "libfake.so.1").write_bytes(b"\x7fELF")
    (internal / "libfake.so.1").chmod(0o755)
    info = {"glibc_built_against": "2.36", "glibc_required": "2.34", "glibc_required_by": "x"}
    (internal / "orderdesk-build.json").write_text(json.dumps(info))
    for exe in ("orderdesk-tray", "orderdesk-mcp"):
        (bundle / exe).write_text(f"#!/bin/sh\necho {exe} {__version__}\n")
        (bundle / exe).chmod(0o755)
    (bundle / "install-desktop.sh").write_text("#!/bin/sh\n")  # the tarball's, not the .deb's
    (bundle / "share").mkdir()
    return bundle


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("deb")
    bundle = stand_in_bundle(work)
    env = {**os.environ, "DEB_COMPRESSION": "gzip"}
    done = subprocess.run(
        ["bash", str(BUILD_DEB), str(bundle), str(work / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (work / "out").glob("orderdesk-tray_*.deb")
    assert str(built) in done.stdout
    return built


def field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], check=True, capture_output=True, text=True
    ).stdout.strip()


def test_metadata_names_the_glibc_and_display_libraries(deb: Path) -> None:
    assert field(deb, "Package") == "orderdesk-tray"
    assert field(deb, "Version") == __version__
    depends = field(deb, "Depends")
    assert depends.startswith("libc6 (>= 2.34)")  # from the bundle's orderdesk-build.json
    assert {"libgl1", "libegl1", "libxcb1"} <= {dep.strip() for dep in depends.split(",")}
    assert int(field(deb, "Installed-Size")) > 0
    assert field(deb, "Maintainer").endswith("@orderdesk-tray.invalid>")  # no bogus localhost


def test_contents_bundle_links_menu_entry_and_icons(deb: Path) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], check=True, capture_output=True, text=True
    ).stdout
    entries = {line.split()[5].removeprefix("./"): line for line in listing.splitlines()}
    assert entries[f"{PREFIX}/orderdesk-tray"].startswith("-rwxr-xr-x root/root")
    assert entries[f"{PREFIX}/_internal/libfake.so.1"].startswith("-rw-r--r-- root/root")
    for exe in ("orderdesk-tray", "orderdesk-mcp"):
        assert f"usr/bin/{exe} -> /{PREFIX}/{exe}" in listing
    assert "usr/share/applications/orderdesk-tray.desktop" in entries
    assert "usr/share/icons/hicolor/scalable/apps/orderdesk-tray.svg" in entries
    for size in ICON_PNG_SIZES:
        assert f"usr/share/icons/hicolor/{size}x{size}/apps/orderdesk-tray.png" in entries
    assert "usr/share/doc/orderdesk-tray/copyright" in entries
    # no per-user installer, and no system-wide autostart: the app's setting decides
    assert not [name for name in entries if "install-desktop" in name or "autostart" in name]


@pytest.mark.skipif(os.geteuid() != 0, reason="dpkg --root needs root")
def test_installs_and_removes_without_a_trace(deb: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for folder in (admin / "info", admin / "updates", admin / "triggers"):
        folder.mkdir(parents=True)
    (admin / "status").touch()
    dpkg = [
        "dpkg",
        f"--root={root}",
        "--log=/dev/null",
        "--force-depends",
        "--force-script-chrootless",  # postrm runs here with DPKG_ROOT set to the root
        "--force-not-root",
    ]
    subprocess.run([*dpkg, "-i", str(deb)], check=True, capture_output=True, timeout=60)
    tray = root / "usr" / "bin" / "orderdesk-tray"
    assert os.readlink(tray) == f"/{PREFIX}/orderdesk-tray"
    assert (root / PREFIX / "orderdesk-mcp").is_file()
    (root / PREFIX / "written-later.log").write_text("not dpkg's")

    subprocess.run([*dpkg, "--purge", "orderdesk-tray"], check=True, capture_output=True)
    left = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if not path.is_dir() and "var/lib/dpkg" not in str(path)
    )
    assert left == []
    assert not (root / PREFIX).exists()
