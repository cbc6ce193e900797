"""A Claude Desktop extension (``.mcpb``) that launches this machine's ``orderdesk-mcp``.

An MCP Bundle is a zip with a ``manifest.json`` (format: the ``@anthropic-ai/mcpb`` CLI's
schema, manifest_version 0.3). Ours carries no server code: its ``binary`` server is the
installed ``orderdesk-mcp`` (the shim), and the client token is a *sensitive* user-config
value, so Claude Desktop asks for it at install and keeps it in the OS keychain; the file
itself holds no secret and can be shared.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from app import __version__
from app.core.client_configs.locations import mcp_executable
from app.core.client_configs.render import TOKEN_ENV

MANIFEST_VERSION = "0.3"
MCPB_CHECKED = "2.1.2"
"""The ``@anthropic-ai/mcpb`` release whose ``validate`` accepts :func:`manifest` (tests/e2e)."""
TOKEN_KEY = "client_token"  # noqa: S105 - the setting's name, not a secret


def manifest(command: Path | None = None, *, icon: bool = False) -> dict[str, Any]:
    """The extension's manifest.

    Args:
        command: The ``orderdesk-mcp`` to launch; defaults to :func:`mcp_executable`.
        icon: Whether the bundle carries ``icon.png``.
    """
    executable = str(command or mcp_executable())
    data: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "name": "orderdesk-tray",
        "display_name": "OrderDesk Tray",
        "version": __version__,
        "description": "Your Order Desk stores through OrderDesk Tray: orders, shipments and "
        "inventory, with writes approved in the tray.",
        "long_description": "Connects Claude to the OrderDesk Tray app on this computer. The "
        "tray holds the Order Desk API keys; Claude presents only a client token, whose scopes "
        "and write policy you set in the tray's Connect window. The tray must be installed "
        "here (this extension launches its orderdesk-mcp command).",
        "author": {"name": "OrderDesk Tray"},
        "server": {
            "type": "binary",
            "entry_point": executable,
            "mcp_config": {
                "command": executable,
                "args": [],
                "env": {TOKEN_ENV: "${user_config." + TOKEN_KEY + "}"},
            },
        },
        "tools_generated": True,
        "prompts_generated": True,
        "keywords": ["orderdesk", "orders", "e-commerce", "shipping", "inventory"],
        "compatibility": {"platforms": ["darwin", "win32", "linux"]},
        "user_config": {
            TOKEN_KEY: {
                "type": "string",
                "title": "Client token",
                "description": "The token OrderDesk Tray showed when you connected Claude "
                "Desktop (tray: Connect AI client). It decides what Claude may do.",
                "sensitive": True,
                "required": True,
            }
        },
    }
    if icon:
        data["icon"] = "icon.png"
    return data


def write_bundle(out: Path, command: Path | None = None, icon: Path | None = None) -> Path:
    """Write the ``.mcpb`` file (manifest, plus ``icon.png`` when given) and return its path.

    Raises:
        OSError: The file cannot be written.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        text = json.dumps(manifest(command, icon=icon is not None), indent=2)
        bundle.writestr("manifest.json", text + "\n")
        if icon is not None:
            bundle.write(icon, "icon.png")
    return out
