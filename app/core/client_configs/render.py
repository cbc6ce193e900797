"""The config entry each AI client needs: launch ``orderdesk-mcp`` with the client's token.

The entry carries only the client token (``ORDERDESK_TRAY_TOKEN``), never an Order Desk API key:
the shim presents the token to the tray, which holds the keys.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.core.client_configs.locations import ClientKind, mcp_executable

SERVER_NAME = "orderdesk"
TOKEN_ENV = "ORDERDESK_TRAY_TOKEN"  # noqa: S105 - the variable's name, not a secret


def servers_key(kind: ClientKind) -> str:
    """The top-level key that holds MCP servers in ``kind``'s file."""
    return "servers" if kind is ClientKind.VSCODE else "mcpServers"


def server_entry(kind: ClientKind, token: str, command: Path | None = None) -> dict[str, Any]:
    """Return the one server entry for ``kind`` (without the surrounding keys).

    Args:
        kind: The AI client.
        token: The client token it presents.
        command: The executable to launch; defaults to :func:`mcp_executable`.
    """
    entry: dict[str, Any] = {}
    if kind in (ClientKind.VSCODE, ClientKind.CLAUDE_CODE):
        entry["type"] = "stdio"
    entry["command"] = str(command or mcp_executable())
    entry["args"] = []
    entry["env"] = {TOKEN_ENV: token}
    return entry


def render(kind: ClientKind, token: str, command: Path | None = None) -> dict[str, Any]:
    """Return the config fragment to merge into ``kind``'s file, e.g. ``{"mcpServers": {...}}``."""
    return {servers_key(kind): {SERVER_NAME: server_entry(kind, token, command)}}


def claude_code_command(token: str, command: Path | None = None) -> list[str]:
    """Return the ``claude mcp add`` command line that registers the server at user scope."""
    return [
        "claude",
        "mcp",
        "add",
        "--transport",
        "stdio",
        "--scope",
        "user",
        "--env",
        f"{TOKEN_ENV}={token}",
        SERVER_NAME,
        "--",
        str(command or mcp_executable()),
    ]


def shell_line(argv: list[str], platform: str = sys.platform) -> str:
    """Quote ``argv`` for the user's shell (cmd.exe rules on Windows)."""
    return subprocess.list2cmdline(argv) if platform == "win32" else shlex.join(argv)
