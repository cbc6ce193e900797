"""Start the tray when the user logs in: one login entry per platform, written or removed.

* Linux and other XDG desktops: ``$XDG_CONFIG_HOME/autostart/orderdesk-tray.desktop``
  (``~/.config/autostart`` by default).
* macOS: a launch agent ``~/Library/LaunchAgents/me.orderdesk.tray.plist`` with ``RunAtLoad``;
  launchd reads it at the next login.
* Windows: the ``OrderDesk Tray`` value under ``HKCU\\Software\\Microsoft\\Windows\\
  CurrentVersion\\Run`` (``winreg`` is imported only there).

:func:`is_enabled` reads the entry and :func:`sync` makes it match what the user chose, touching it
only when it differs. The entry itself is the truth: there is no stored setting that could
overwrite it, and starting the tray never writes or removes it, so an installer's choice
(``installer.iss`` task, ``install-desktop.sh --autostart``) and the settings window agree.

Every function takes ``platform`` (a ``sys.platform`` value) and, for Windows, ``registry`` (the
``winreg`` module or a stand-in) so each platform's code path can be tested anywhere.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

from app import APP_ID, APP_NAME
from app.core.errors import ExpectedError
from app.core.install_location import location_problem, refusal
from app.core.login_entries import (
    LaunchAgentEntry,
    LoginEntry,
    RunKeyEntry,
    XdgAutostartEntry,
)


class AutostartError(ExpectedError, OSError):
    """The login entry could not be read, written or removed (the message says where)."""


# -- choosing and applying ------------------------------------------------------------------------


def login_entry(platform: str | None = None, registry: Any = None) -> LoginEntry:
    """The login entry of ``platform`` (default: this one).

    Args:
        platform: A ``sys.platform`` value.
        registry: For Windows, the ``winreg`` module to use; imported when None.
    """
    platform = platform or sys.platform
    if platform == "win32":
        return RunKeyEntry(registry if registry is not None else importlib.import_module("winreg"))
    if platform == "darwin":
        return LaunchAgentEntry()
    return XdgAutostartEntry()


def enable(command: list[str], *, platform: str | None = None, registry: Any = None) -> None:
    """Create (or replace) the login entry that runs ``command``.

    Raises:
        AutostartError: The entry could not be written, or ``command`` lives in a temporary
            place (a translocated or not yet installed macOS app: :mod:`app.core.install_location`).
    """
    problem = location_problem(command[0], platform) if command else None
    if problem is not None:
        raise AutostartError(refusal("a login item", problem))
    entry = login_entry(platform, registry)
    try:
        entry.write(command)
    except OSError as error:
        raise AutostartError(
            f"Could not add {APP_NAME} to the programs started at login ({entry.where}): "
            f"{error.strerror or error}. Check that the folder is writable, then try again."
        ) from error


def disable(*, platform: str | None = None, registry: Any = None) -> None:
    """Remove the login entry if there is one.

    Raises:
        AutostartError: The entry exists but could not be removed.
    """
    entry = login_entry(platform, registry)
    try:
        entry.remove()
    except OSError as error:
        raise AutostartError(
            f"Could not remove {APP_NAME} from the programs started at login ({entry.where}): "
            f"{error.strerror or error}. Remove it by hand or check its permissions."
        ) from error


def is_enabled(*, platform: str | None = None, registry: Any = None) -> bool:
    """Return True when a login entry exists (whatever command it runs)."""
    return _current(login_entry(platform, registry)) is not None


def sync(
    wanted: bool,
    command: list[str] | None = None,
    *,
    platform: str | None = None,
    registry: Any = None,
) -> bool:
    """Make the login entry match ``wanted``; touch it only when it differs.

    Args:
        wanted: Whether the tray should start at login (the user's choice in Settings).
        command: What the entry runs; :func:`autostart_command` when None.
        platform: A ``sys.platform`` value (default: this one).
        registry: For Windows, the ``winreg`` module or a stand-in.

    Returns:
        True when the entry was written or removed, False when it already matched.

    Raises:
        AutostartError: The entry could not be written or removed.
    """
    entry = login_entry(platform, registry)
    current = _current(entry)
    if not wanted:
        if current is None:
            return False
        disable(platform=platform, registry=registry)
        return True
    wanted_command = command if command is not None else autostart_command(platform=platform)
    if current == entry.render(wanted_command):
        return False
    enable(wanted_command, platform=platform, registry=registry)
    return True


def autostart_command(
    executable: str | None = None, frozen: bool | None = None, platform: str | None = None
) -> list[str]:
    """The command a login entry should run to start the tray.

    A frozen bundle runs its ``orderdesk-tray`` executable; a virtual environment its
    ``orderdesk-tray`` script beside the interpreter; failing that, ``python -m app``
    (``pythonw`` on Windows when present, so no console window opens).

    Args:
        executable: The running interpreter or bundle; defaults to ``sys.executable``.
        frozen: Whether this is a frozen bundle; defaults to ``sys.frozen``.
        platform: A ``sys.platform`` value (default: this one).
    """
    platform = platform or sys.platform
    suffix = ".exe" if platform == "win32" else ""
    interpreter = Path(os.path.abspath(executable or sys.executable))
    script = interpreter.parent / f"{APP_ID}{suffix}"
    if frozen if frozen is not None else bool(getattr(sys, "frozen", False)):
        return [str(script)]
    for candidate in (script, interpreter.parent / "Scripts" / script.name):
        if candidate.is_file():
            return [str(candidate)]
    windowless = interpreter.with_name("pythonw.exe")
    if platform == "win32" and windowless.is_file():
        interpreter = windowless
    return [str(interpreter), "-m", "app"]


def _current(entry: LoginEntry) -> str | None:
    try:
        return entry.read()
    except OSError as error:
        raise AutostartError(
            f"Could not read the login entry ({entry.where}): {error.strerror or error}."
        ) from error
