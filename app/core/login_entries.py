"""The login entries of each platform: a desktop file, a launch agent, a ``Run`` value.

:mod:`app.core.autostart` chooses one and applies the user's choice; this module knows each
entry's format and where it lives.
"""

from __future__ import annotations

import os
import plistlib
import subprocess
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Protocol

from app import APP_ID, APP_NAME

LAUNCH_AGENT_LABEL = "me.orderdesk.tray"
"""The macOS launch agent's label (the bundle identifier)."""
DESKTOP_FILE = f"{APP_ID}.desktop"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = APP_NAME

_DESKTOP_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_DESKTOP_ESCAPED_IN_QUOTES = ("\\", '"', "`", "$")


class LoginEntry(Protocol):
    """One platform's login entry: its serialized form, read back and written."""

    where: str
    """Where the entry lives, for messages."""

    def render(self, command: list[str]) -> str:
        """The entry's content for ``command``."""
        ...

    def read(self) -> str | None:
        """The entry's current content, or None when there is none."""
        ...

    def write(self, command: list[str]) -> None:
        """Create or replace the entry."""
        ...

    def remove(self) -> None:
        """Delete the entry if it exists."""
        ...


class FileEntry(ABC):
    """A login entry that is one file: read, written atomically, removed.

    Subclasses pass the default path and render the file's text.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    @abstractmethod
    def render(self, command: list[str]) -> str:
        """The file's text for ``command``."""

    def read(self) -> str | None:
        """The file's text, or None."""
        return _read_text(self.path)

    def write(self, command: list[str]) -> None:
        """Write the file (atomically)."""
        _write_text(self.path, self.render(command))

    def remove(self) -> None:
        """Delete the file."""
        self.path.unlink(missing_ok=True)


# -- Linux / XDG --------------------------------------------------------------------------------


def desktop_exec_arg(arg: str) -> str:
    """Quote one argument for a desktop file's ``Exec`` key.

    The Desktop Entry spec quotes an argument holding a reserved character in double quotes,
    backslash-escaping ``"`` `` ` `` ``$`` and ``\\`` inside; ``%`` doubles; then the string
    escape of every value doubles each backslash again.
    """
    if arg and not any(char in _DESKTOP_RESERVED for char in arg):
        quoted = arg
    else:
        inner = arg
        for char in _DESKTOP_ESCAPED_IN_QUOTES:
            inner = inner.replace(char, "\\" + char)
        quoted = f'"{inner}"'
    quoted = quoted.replace("%", "%%")
    return quoted.replace("\\", "\\\\").replace("\n", "\\n")


def desktop_string(value: str) -> str:
    """Escape a plain string value of a desktop file (backslash and line breaks)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n")


def desktop_exec(command: list[str]) -> str:
    """The ``Exec`` value that runs ``command``."""
    return " ".join(desktop_exec_arg(arg) for arg in command)


def xdg_autostart_dir() -> Path:
    """``$XDG_CONFIG_HOME/autostart``, or ``~/.config/autostart``."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config and os.path.isabs(config) else Path.home() / ".config"
    return base / "autostart"


def xdg_system_autostart_dirs() -> list[Path]:
    """The system-wide autostart folders, ``$XDG_CONFIG_DIRS/autostart`` (``/etc/xdg``)."""
    dirs = os.environ.get("XDG_CONFIG_DIRS", "") or "/etc/xdg"
    return [Path(d) / "autostart" for d in dirs.split(":") if d and os.path.isabs(d)]


def desktop_entry_disabled(text: str) -> bool:
    """True when a desktop file turns itself off (``Hidden=true``, or GNOME's enabled=false)."""
    values = dict(
        line.split("=", 1) for line in text.splitlines() if "=" in line and line[:1] != "#"
    )
    return (
        values.get("Hidden", "").strip() == "true"
        or values.get("X-GNOME-Autostart-enabled", "").strip() == "false"
    )


class XdgAutostartEntry(FileEntry):
    """A ``.desktop`` file in the XDG autostart folder.

    A package may install the same file name system-wide (``/etc/xdg/autostart``); the user's
    file overrides it. So a system file counts as on until the user's file says otherwise, and
    removing the entry then writes a user file with ``Hidden=true``, the spec's way to turn a
    system entry off for one user. A user file with ``Hidden=true`` (or GNOME's
    ``X-GNOME-Autostart-enabled=false``) counts as off.
    """

    def __init__(self, path: Path | None = None, system_dirs: list[Path] | None = None) -> None:
        super().__init__(path or xdg_autostart_dir() / DESKTOP_FILE)
        self.system_dirs = xdg_system_autostart_dirs() if system_dirs is None else system_dirs

    def system_file(self) -> Path | None:
        """The system-wide file of the same name, if one is installed."""
        for folder in self.system_dirs:
            if (folder / self.path.name).is_file():
                return folder / self.path.name
        return None

    def read(self) -> str | None:
        """The entry in effect: the user's file, else the system's; None when off."""
        text = _read_text(self.path)
        if text is None:
            system = self.system_file()
            text = _read_text(system) if system is not None else None
        return None if text is None or desktop_entry_disabled(text) else text

    def remove(self) -> None:
        """Delete the user's file; hide a system-wide one for this user."""
        self.path.unlink(missing_ok=True)
        if self.system_file() is not None:
            _write_text(
                self.path, f"[Desktop Entry]\nType=Application\nName={APP_NAME}\nHidden=true\n"
            )

    def render(self, command: list[str]) -> str:
        """The desktop file's text."""
        lines = [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.0",
            f"Name={APP_NAME}",
            f"Comment=Start {APP_NAME} in the system tray at login",
            f"Exec={desktop_exec(command)}",
            # A launcher skips the entry quietly once the program is gone (e.g. after
            # `apt remove`) instead of failing at every login.
            f"TryExec={desktop_string(command[0])}",
            f"Icon={APP_ID}",
            "Terminal=false",
            "NoDisplay=true",
            "X-GNOME-Autostart-enabled=true",
            "X-GNOME-Autostart-Delay=5",
            "X-KDE-autostart-after=panel",
        ]
        return "\n".join(lines) + "\n"


# -- macOS --------------------------------------------------------------------------------------


class LaunchAgentEntry(FileEntry):
    """A launch agent plist with ``RunAtLoad`` in ``~/Library/LaunchAgents``."""

    def __init__(self, path: Path | None = None) -> None:
        super().__init__(
            path or Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"
        )

    def render(self, command: list[str]) -> str:
        """The plist as XML text."""
        agent = {
            "Label": LAUNCH_AGENT_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        }
        return plistlib.dumps(agent, fmt=plistlib.FMT_XML).decode("utf-8")


# -- Windows ------------------------------------------------------------------------------------


class RunKeyEntry:
    """A value under the current user's ``Run`` key.

    Args:
        registry: The ``winreg`` module (or an object with the same functions).
    """

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.where = f"HKEY_CURRENT_USER\\{RUN_KEY} ({RUN_VALUE})"

    def render(self, command: list[str]) -> str:
        """The command line, quoted the way Windows parses it."""
        return subprocess.list2cmdline(command)

    def read(self) -> str | None:
        """The value's command line, or None."""
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_READ) as key:
                value, _kind = reg.QueryValueEx(key, RUN_VALUE)
        except FileNotFoundError:
            return None
        return str(value)

    def write(self, command: list[str]) -> None:
        """Set the value."""
        reg = self.registry
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, RUN_VALUE, 0, reg.REG_SZ, self.render(command))

    def remove(self) -> None:
        """Delete the value."""
        reg = self.registry
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, RUN_VALUE)
        except FileNotFoundError:
            return


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no entry (or no folder) there
        return None


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
