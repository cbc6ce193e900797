"""The config entry each AI client needs: launch ``orderdesk-mcp`` with the client's token.

The entry carries only the client token (``ORDERDESK_TRAY_TOKEN``), never an Order Desk API key:
the shim presents the token to the tray, which holds the keys.
"""

from __future__ import annotations

import json
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


CLAUDE_CODE_CHECKED = "2.1.197"
"""The Claude Code release whose CLI accepted :func:`claude_code_command` (tests/e2e)."""


def claude_code_command(token: str, command: Path | None = None) -> list[str]:
    """Return the ``claude mcp add`` command line that registers the server at user scope.

    The server name comes before ``--env``: that option takes any number of values, so a name
    after it is read as one more variable and Claude Code then misses the command ("missing
    required argument 'commandOrUrl'"). ``--`` ends the options before the executable.
    """
    return [
        "claude",
        "mcp",
        "add",
        "--transport",
        "stdio",
        "--scope",
        "user",
        SERVER_NAME,
        "--env",
        f"{TOKEN_ENV}={token}",
        "--",
        str(command or mcp_executable()),
    ]


def claude_code_add_json(token: str, command: Path | None = None) -> list[str]:
    """The same registration as one ``claude mcp add-json`` command (no option parsing traps)."""
    entry = json.dumps(server_entry(ClientKind.CLAUDE_CODE, token, command))
    return ["claude", "mcp", "add-json", "--scope", "user", SERVER_NAME, entry]


def shell_line(argv: list[str], platform: str = sys.platform) -> str:
    """Quote ``argv`` for the user's shell (cmd.exe rules on Windows)."""
    return subprocess.list2cmdline(argv) if platform == "win32" else shlex.join(argv)
