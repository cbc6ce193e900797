"""The config entry each AI client needs: launch ``orderdesk-mcp`` with the client's token.

The entry carries only the client token (``ORDERDESK_TRAY_TOKEN``), never an Order Desk API key:
the shim presents the token to the tray, which holds the keys.
"""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import sys
import urllib.parse
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


VSCODE_TOKEN_INPUT = "orderdesk_client_token"  # noqa: S105 - an input id, not a secret


def cursor_install_link(token: str, command: Path | None = None) -> str:
    """Cursor's documented MCP install deep link (``cursor://anysphere.cursor-deeplink/mcp/
    install?name=NAME&config=BASE64``, the server entry as JSON). Cursor has no prompt for a
    secret, so the link carries the token: treat it like the token."""
    entry = server_entry(ClientKind.CURSOR, token, command)
    config = base64.b64encode(json.dumps(entry, separators=(",", ":")).encode()).decode()
    query = urllib.parse.urlencode({"name": SERVER_NAME, "config": config})
    return f"cursor://anysphere.cursor-deeplink/mcp/install?{query}"


def vscode_install_link(command: Path | None = None) -> str:
    """VS Code's documented MCP install link (``vscode:mcp/install?`` + the URL-encoded server
    JSON with its name). The token is a password input VS Code asks for and stores as a
    secret, so the link holds no secret."""
    entry = server_entry(ClientKind.VSCODE, "${input:" + VSCODE_TOKEN_INPUT + "}", command)
    server = {
        "name": SERVER_NAME,
        **entry,
        "inputs": [
            {
                "id": VSCODE_TOKEN_INPUT,
                "type": "promptString",
                "description": "OrderDesk Tray client token (tray: Connect AI client)",
                "password": True,
            }
        ],
    }
    return "vscode:mcp/install?" + urllib.parse.quote(json.dumps(server, separators=(",", ":")))


def shell_line(argv: list[str], platform: str = sys.platform) -> str:
    """Quote ``argv`` for the user's shell (cmd.exe rules on Windows)."""
    return subprocess.list2cmdline(argv) if platform == "win32" else shlex.join(argv)
