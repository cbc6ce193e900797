"""Which AI clients we can configure, where their config files live, and what they launch.

Paths derive from the environment (``HOME``/``USERPROFILE``, ``APPDATA``, ``LOCALAPPDATA``,
``XDG_CONFIG_HOME``) and a platform string, so tests can point them at a temp folder and check
every OS's layout on one machine.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

MCP_COMMAND = "orderdesk-mcp"
CLAUDE_DESKTOP_FILE = "claude_desktop_config.json"


class ClientKind(StrEnum):
    """An AI client whose config we write; the value is its CLI name."""

    CLAUDE_DESKTOP = "claude"
    CLAUDE_CODE = "claude-code"
    CURSOR = "cursor"
    VSCODE = "vscode"
    WINDSURF = "windsurf"

    @property
    def display_name(self) -> str:
        """The product name, also the default client (token) name."""
        return _DISPLAY_NAMES[self]


_DISPLAY_NAMES = {
    ClientKind.CLAUDE_DESKTOP: "Claude Desktop",
    ClientKind.CLAUDE_CODE: "Claude Code",
    ClientKind.CURSOR: "Cursor",
    ClientKind.VSCODE: "VS Code",
    ClientKind.WINDSURF: "Windsurf",
}


def home_dir(env: Mapping[str, str] = os.environ, platform: str = sys.platform) -> Path:
    """The user's home folder as the clients see it (``USERPROFILE`` first on Windows)."""
    names = ("USERPROFILE", "HOME") if platform == "win32" else ("HOME", "USERPROFILE")
    for name in names:
        if env.get(name):
            return Path(env[name])
    return Path.home()


def _app_data(env: Mapping[str, str], platform: str) -> Path:
    """The per-user folder where desktop (Electron) apps keep their settings."""
    home = home_dir(env, platform)
    if platform == "win32":
        return Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    if platform == "darwin":
        return home / "Library" / "Application Support"
    xdg = env.get("XDG_CONFIG_HOME")
    return Path(xdg) if xdg else home / ".config"


def _claude_desktop_dir(env: Mapping[str, str], platform: str) -> Path:
    if platform == "win32":
        local = env.get("LOCALAPPDATA")
        packages = Path(local) / "Packages" if local else None
        if packages is not None and packages.is_dir():
            # The Microsoft Store (MSIX) build keeps its roaming folder inside its package.
            for package in sorted(packages.glob("Claude_*")):
                folder = package / "LocalCache" / "Roaming" / "Claude"
                if folder.is_dir():
                    return folder
    return _app_data(env, platform) / "Claude"


def config_path(
    kind: ClientKind, env: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> Path:
    """Return the user-level config file ``kind`` reads its MCP servers from."""
    home = home_dir(env, platform)
    if kind is ClientKind.CLAUDE_DESKTOP:
        return _claude_desktop_dir(env, platform) / CLAUDE_DESKTOP_FILE
    if kind is ClientKind.CLAUDE_CODE:
        return home / ".claude.json"
    if kind is ClientKind.CURSOR:
        return home / ".cursor" / "mcp.json"
    if kind is ClientKind.VSCODE:
        return _app_data(env, platform) / "Code" / "User" / "mcp.json"
    return home / ".codeium" / "windsurf" / "mcp_config.json"


def mcp_executable(
    executable: str | None = None, frozen: bool | None = None, platform: str = sys.platform
) -> Path:
    """Return the absolute path of the ``orderdesk-mcp`` command AI clients should launch.

    A frozen (PyInstaller) bundle has it next to its executable; a virtual environment has it
    beside its Python (``bin`` or ``Scripts``). Failing both, it is looked up on ``PATH``.

    Args:
        executable: The running interpreter or bundle; defaults to ``sys.executable``.
        frozen: Whether this is a frozen bundle; defaults to ``sys.frozen``.
        platform: ``sys.platform`` value.
    """
    name = MCP_COMMAND + (".exe" if platform == "win32" else "")
    base = Path(os.path.abspath(executable or sys.executable)).parent
    beside = base / name
    if frozen if frozen is not None else getattr(sys, "frozen", False):
        return beside
    for candidate in (beside, base / "Scripts" / name):
        if candidate.is_file():
            return candidate
    found = shutil.which(MCP_COMMAND)
    return Path(os.path.abspath(found)) if found else beside
