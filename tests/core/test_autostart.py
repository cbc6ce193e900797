"""Start at login: the XDG desktop file for real, the macOS plist and the Windows Run value
through an injected platform (and a stand-in ``winreg``)."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.core import autostart
from app.core.autostart import AutostartError, autostart_command
from app.core.login_entries import LAUNCH_AGENT_LABEL, RUN_KEY, RUN_VALUE, desktop_exec

COMMAND = ["/opt/Order Desk/bin/orderdesk-tray"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temp HOME with no XDG_CONFIG_HOME set."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc-xdg"))
    return folder


def parse_exec(value: str) -> list[str]:
    """Split an ``Exec`` value the way the Desktop Entry spec says a launcher does."""
    text, i = "", 0
    while i < len(value):  # the string-level escapes, applied first
        if value[i] == "\\" and i + 1 < len(value):
            text += {"\\": "\\", "n": "\n", "t": "\t", "s": " ", "r": "\r"}[value[i + 1]]
            i += 2
        else:
            text += value[i]
            i += 1
    args: list[str] = []
    current, quoted, started, i = "", False, False, 0
    while i < len(text):
        char = text[i]
        if quoted and char == "\\":
            current += text[i + 1]
            i += 2
            continue
        if char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if started:
                args.append(current)
            current, started = "", False
        else:
            current += char
            started = True
        i += 1
    if started:
        args.append(current)
    assert not quoted, "unbalanced quotes"
    return [arg.replace("%%", "%") for arg in args]


def desktop_values(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def test_linux_enable_writes_the_desktop_file_and_disable_removes_it(home: Path) -> None:
    path = home / ".config" / "autostart" / "orderdesk-tray.desktop"
    assert not autostart.is_enabled(platform="linux")
    autostart.enable(COMMAND, platform="linux")
    values = desktop_values(path)
    assert values["Type"] == "Application"
    assert values["Exec"] == '"/opt/Order Desk/bin/orderdesk-tray"'
    assert parse_exec(values["Exec"]) == COMMAND
    assert values["TryExec"] == COMMAND[0]  # a removed program is skipped, not an error
    assert values["X-GNOME-Autostart-enabled"] == "true"
    assert autostart.is_enabled(platform="linux")
    autostart.disable(platform="linux")
    assert not path.exists()
    assert not autostart.is_enabled(platform="linux")
    autostart.disable(platform="linux")  # nothing to remove is fine


def test_linux_honours_xdg_config_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    autostart.enable(["/usr/bin/orderdesk-tray"], platform="linux")
    path = tmp_path / "cfg" / "autostart" / "orderdesk-tray.desktop"
    assert desktop_values(path)["Exec"] == "/usr/bin/orderdesk-tray"
    assert not (home / ".config").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["/venv/bin/python", "-m", "app"],
        ["/home/me/My Apps/python", "-m", "app"],
        ['/tmp/a"b/$HOME/`x`/c\\d', "100%", "it's"],
        ["/x/(paren)&semi;", ""],
    ],
)
def test_exec_quoting_round_trips(command: list[str]) -> None:
    assert parse_exec(desktop_exec(command)) == command


def test_exec_quotes_reserved_characters_and_doubles_percent() -> None:
    assert desktop_exec(["/a b/c", "50%"]) == '"/a b/c" 50%%'
    assert desktop_exec(['/a"b']) == '"/a\\\\"b"'


def test_sync_rewrites_only_when_different(home: Path) -> None:
    path = home / ".config" / "autostart" / "orderdesk-tray.desktop"
    assert autostart.sync(False, COMMAND, platform="linux") is False
    assert autostart.sync(True, COMMAND, platform="linux") is True
    written = path.stat().st_mtime_ns
    assert autostart.sync(True, COMMAND, platform="linux") is False
    assert path.stat().st_mtime_ns == written
    assert autostart.sync(True, ["/elsewhere/orderdesk-tray"], platform="linux") is True
    assert parse_exec(desktop_values(path)["Exec"]) == ["/elsewhere/orderdesk-tray"]
    path.write_text("[Desktop Entry]\nExec=something-else\n", encoding="utf-8")
    assert autostart.sync(True, ["/elsewhere/orderdesk-tray"], platform="linux") is True
    assert autostart.sync(False, COMMAND, platform="linux") is True
    assert not path.exists()


def test_an_unwritable_folder_gives_a_sentence(home: Path) -> None:
    (home / ".config").write_text("a file where a folder should be")
    with pytest.raises(AutostartError, match="programs started at login"):
        autostart.enable(COMMAND, platform="linux")


def test_macos_writes_a_launch_agent_that_runs_at_load(home: Path) -> None:
    path = home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
    command = ["/Applications/OrderDesk Tray.app/Contents/MacOS/orderdesk-tray"]
    assert not autostart.is_enabled(platform="darwin")
    assert autostart.sync(True, command, platform="darwin") is True
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == LAUNCH_AGENT_LABEL
    assert agent["ProgramArguments"] == command
    assert agent["RunAtLoad"] is True
    assert autostart.is_enabled(platform="darwin")
    assert autostart.sync(True, command, platform="darwin") is False
    autostart.disable(platform="darwin")
    assert not path.exists()
    assert not (home / ".config").exists()


class FakeKey:
    def __init__(self, values: dict[str, tuple[str, int]]) -> None:
        self.values = values

    def __enter__(self) -> FakeKey:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class FakeWinreg:
    """The slice of ``winreg`` the Run key needs, over a dict of keys."""

    HKEY_CURRENT_USER = object()
    KEY_READ = 0x20019
    KEY_SET_VALUE = 0x0002
    REG_SZ = 1

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[str, int]]] = {}

    def _key(self, root: object, sub: str, create: bool) -> FakeKey:
        assert root is self.HKEY_CURRENT_USER
        if sub not in self.keys:
            if not create:
                raise FileNotFoundError(2, "The system cannot find the file specified")
            self.keys[sub] = {}
        return FakeKey(self.keys[sub])

    def OpenKey(self, root: object, sub: str, reserved: int = 0, access: int = 0) -> FakeKey:
        return self._key(root, sub, create=False)

    def CreateKeyEx(self, root: object, sub: str, reserved: int = 0, access: int = 0) -> FakeKey:
        assert access & self.KEY_SET_VALUE
        return self._key(root, sub, create=True)

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[str, int]:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int, value: str) -> None:
        key.values[name] = (value, kind)

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]


def test_windows_sets_and_deletes_the_run_value(home: Path) -> None:
    registry: Any = FakeWinreg()
    command = [r"C:\Program Files\OrderDesk Tray\orderdesk-tray.exe"]
    assert not autostart.is_enabled(platform="win32", registry=registry)
    autostart.disable(platform="win32", registry=registry)  # no key, no value: fine
    assert autostart.sync(True, command, platform="win32", registry=registry) is True
    value, kind = registry.keys[RUN_KEY][RUN_VALUE]
    assert value == '"C:\\Program Files\\OrderDesk Tray\\orderdesk-tray.exe"'
    assert kind == FakeWinreg.REG_SZ
    assert autostart.is_enabled(platform="win32", registry=registry)
    assert autostart.sync(True, command, platform="win32", registry=registry) is False
    registry.keys[RUN_KEY]["Other app"] = ("other.exe", 1)
    assert autostart.sync(False, platform="win32", registry=registry) is True
    assert registry.keys[RUN_KEY] == {"Other app": ("other.exe", 1)}
    assert not (home / ".config").exists()


def test_command_of_a_frozen_bundle_is_its_tray_executable(tmp_path: Path) -> None:
    bundle = tmp_path / "OrderDesk Tray" / "orderdesk-mcp.exe"
    assert autostart_command(str(bundle), frozen=True, platform="win32") == [
        str(bundle.with_name("orderdesk-tray.exe"))
    ]
    mac = tmp_path / "OrderDesk Tray.app" / "Contents" / "MacOS" / "orderdesk-tray"
    assert autostart_command(str(mac), frozen=True, platform="darwin") == [str(mac)]


def test_command_in_a_venv_is_the_script_beside_python(tmp_path: Path) -> None:
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    (python.parent / "orderdesk-tray").touch()
    assert autostart_command(str(python), frozen=False, platform="linux") == [
        str(python.parent / "orderdesk-tray")
    ]


def test_command_without_the_script_runs_the_module(tmp_path: Path) -> None:
    python = tmp_path / "py" / "python"
    python.parent.mkdir()
    python.touch()
    assert autostart_command(str(python), frozen=False, platform="linux") == [
        str(python), "-m", "app"
    ]  # fmt: skip
    windows = tmp_path / "win" / "python.exe"
    windows.parent.mkdir()
    windows.touch()
    (windows.parent / "pythonw.exe").touch()
    assert autostart_command(str(windows), frozen=False, platform="win32") == [
        str(windows.parent / "pythonw.exe"), "-m", "app"
    ]  # fmt: skip


def test_the_running_interpreter_gives_a_runnable_command() -> None:
    command = autostart_command()
    assert Path(command[0]).is_file()


def test_a_system_wide_entry_counts_and_is_hidden_per_user(home: Path, tmp_path: Path) -> None:
    system = tmp_path / "etc-xdg" / "autostart" / "orderdesk-tray.desktop"
    system.parent.mkdir(parents=True)
    system.write_text("[Desktop Entry]\nType=Application\nExec=/usr/bin/orderdesk-tray\n")
    user = home / ".config" / "autostart" / "orderdesk-tray.desktop"
    assert autostart.is_enabled(platform="linux")  # a package's entry: on until turned off
    assert autostart.sync(False, platform="linux") is True
    assert desktop_values(user)["Hidden"] == "true" and system.exists()
    assert not autostart.is_enabled(platform="linux")
    assert autostart.sync(False, platform="linux") is False
    assert autostart.sync(True, COMMAND, platform="linux") is True
    assert "Hidden" not in desktop_values(user) and autostart.is_enabled(platform="linux")


def test_a_user_entry_turned_off_by_gnome_counts_as_off(home: Path) -> None:
    user = home / ".config" / "autostart" / "orderdesk-tray.desktop"
    user.parent.mkdir(parents=True)
    user.write_text("[Desktop Entry]\nExec=x\nX-GNOME-Autostart-enabled=false\n")
    assert not autostart.is_enabled(platform="linux")
    assert autostart.sync(True, COMMAND, platform="linux") is True
    assert autostart.is_enabled(platform="linux")


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_the_entry_of_install_desktop_autostart_is_the_one_the_box_reads(
    home: Path, tmp_path: Path
) -> None:
    repo = Path(__file__).resolve().parents[2]
    bundle = tmp_path / "bundle"
    (bundle / "share").mkdir(parents=True)
    shutil.copytree(repo / "app" / "resources" / "icons", bundle / "_internal/app/resources/icons")
    for name in ("orderdesk-tray.desktop", "orderdesk-tray-autostart.desktop"):
        shutil.copy(repo / "packaging" / "linux" / name, bundle / "share" / name)
    script = shutil.copy(repo / "packaging/linux/install-desktop.sh", bundle)
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    subprocess.run(["sh", script, "--autostart"], env=env, check=True, capture_output=True)
    assert autostart.is_enabled(platform="linux")
    entry = desktop_values(home / ".config" / "autostart" / "orderdesk-tray.desktop")
    assert parse_exec(entry["Exec"]) == [str(bundle / "orderdesk-tray")]
    assert autostart.sync(False, platform="linux") is True  # the box unticked
    subprocess.run(["sh", script], env=env, check=True, capture_output=True)  # a re-install
    assert not autostart.is_enabled(platform="linux")
