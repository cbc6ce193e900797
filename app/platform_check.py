"""Refuse to start a Linux bundle on a glibc older than the one it needs, with a clear message.

The bundle carries its libraries but not glibc. The build writes ``orderdesk-build.json`` into
``_internal`` (``packaging/spec_helpers.py``): the glibc of the build machine and the newest
``GLIBC_x.y`` symbol version any bundled file needs. Both executables call
:func:`exit_if_unsupported` from a PyInstaller run-time hook that runs before everything else
(``packaging/rthook_platform_check.py``), before a library that needs a newer glibc is loaded,
so the user reads what to do instead of ``version `GLIBC_2.36' not found``.

A glibc too old for ``libpython`` itself stops the bundle before any Python runs (PyInstaller
then prints its own "Failed to load Python shared library" with the missing version); the
``.deb`` declares ``libc6 (>= X)`` and the README states the minimum for that case.

Stdlib only, and cheap: it runs before every start of the tray and of the shim.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

BUILD_INFO = "orderdesk-build.json"
EXIT_UNSUPPORTED = 1  # a runtime failure, its message on stderr (exit codes: 0 ok, 1, 2 usage)
DIALOG_TIMEOUT_S = 600

Version = tuple[int, ...]


def parse_version(text: str) -> Version | None:
    """``"2.36"`` or ``"glibc 2.36"`` -> ``(2, 36)``; None when there is no version in it."""
    numbers = text.strip().rsplit(" ", 1)[-1].split(".")
    if not all(part.isdigit() for part in numbers):
        return None
    return tuple(int(part) for part in numbers)


def running_glibc() -> Version | None:
    """The glibc this process runs on; None on other C libraries (musl) or other systems."""
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        return None
    return parse_version(text) if text and text.startswith("glibc") else None


def read_build_info(folder: Path) -> dict[str, str] | None:
    """The build record in ``folder`` (a bundle's ``_internal``); None when absent or unreadable."""
    try:
        data = json.loads((folder / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else None


def glibc_problem(info: dict[str, str] | None, running: Version | None) -> str | None:
    """Why this bundle cannot run on this glibc, as a message for the user; None when it can."""
    if info is None or running is None:
        return None
    required = parse_version(info.get("glibc_required", ""))
    if required is None or running >= required:
        return None
    need = ".".join(map(str, required))
    have = ".".join(map(str, running))
    return (
        f"OrderDesk Tray cannot start: this build needs glibc {need} or newer "
        f"(for {info.get('glibc_required_by', 'its libraries')}), and this system has "
        f"glibc {have}.\n"
        f"Use a newer Linux (Debian 12, Ubuntu 24.04, Fedora 37 or later), or install "
        f'OrderDesk Tray from source with Python 3.11+ (README, "Linux bundle").'
    )


def exit_if_unsupported(gui: bool = False) -> None:
    """In a Linux bundle on a too-old glibc: say so (stderr, and a dialog for the tray), exit 1.

    Args:
        gui: The caller is the tray (no terminal): also try a desktop dialog or notification.
    """
    if not sys.platform.startswith("linux") or not hasattr(sys, "_MEIPASS"):
        return
    problem = glibc_problem(read_build_info(Path(sys._MEIPASS)), running_glibc())
    if problem is None:
        return
    print(problem, file=sys.stderr, flush=True)
    if gui:
        show_desktop_message(problem)
    raise SystemExit(EXIT_UNSUPPORTED)


def show_desktop_message(message: str) -> None:
    """Best effort: show the message with the first dialog or notification tool installed."""
    title = "OrderDesk Tray"
    env = system_environment()
    commands = (
        ("zenity", ["--error", f"--title={title}", f"--text={message}"]),
        ("kdialog", ["--title", title, "--error", message]),
        ("notify-send", ["--urgency=critical", title, message]),
        ("xmessage", [message]),
    )
    for tool, arguments in commands:
        path = shutil.which(tool)
        if path is None:
            continue
        try:
            subprocess.run([path, *arguments], env=env, timeout=DIALOG_TIMEOUT_S, check=False)
        except (OSError, subprocess.SubprocessError):
            continue
        return


def system_environment() -> dict[str, str]:
    """This environment as the user's shell had it: without the bundle's library path.

    PyInstaller's bootloader points ``LD_LIBRARY_PATH`` at ``_internal`` and keeps the user's
    value in ``LD_LIBRARY_PATH_ORIG``; a system program must not load the bundle's libraries.
    """
    env = dict(os.environ)
    original = env.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        env.pop("LD_LIBRARY_PATH", None)
    else:
        env["LD_LIBRARY_PATH"] = original
    return env
