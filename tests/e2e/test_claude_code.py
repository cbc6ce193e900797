"""The printed Claude Code command, run by the real Claude Code CLI from npm.

``npx @anthropic-ai/claude-code@<checked> mcp add ...`` with HOME in a temp folder writes the
user config (``~/.claude.json``); ``mcp get`` then shows our server. Neither needs a network or
an Anthropic account once the package is in the npm cache (checked with ``unshare -n``).
Set ``ORDERDESK_CLAUDE_CLI`` to an installed ``claude`` to skip the npx download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.core.client_configs import (
    TOKEN_ENV,
    ClientKind,
    claude_code_add_json,
    claude_code_command,
    server_entry,
)
from app.core.client_configs.render import CLAUDE_CODE_CHECKED

PACKAGE = f"@anthropic-ai/claude-code@{CLAUDE_CODE_CHECKED}"
TOKEN = "odt_claude_code_check"
COMMAND = Path("/opt/orderdesk-tray/orderdesk-mcp")
INSTALLED = os.environ.get("ORDERDESK_CLAUDE_CLI")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        INSTALLED is None and shutil.which("npx") is None, reason="npx (Node.js) is not installed"
    ),
    pytest.mark.skipif(os.name == "nt", reason="the check runs on Linux/macOS"),
]


def claude(home: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (which starts with ``claude``) with the real CLI and HOME=``home``."""
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    env["HOME"] = str(home)
    env.setdefault("npm_config_cache", str(Path.home() / ".npm"))
    env["npm_config_update_notifier"] = "false"
    env["DISABLE_AUTOUPDATER"] = "1"
    prefix = [INSTALLED] if INSTALLED else ["npx", "-y", PACKAGE]
    return subprocess.run(
        [*prefix, *argv[1:]], env=env, capture_output=True, text=True, timeout=300
    )


def registered(home: Path) -> dict[str, object]:
    return json.loads((home / ".claude.json").read_text())["mcpServers"]["orderdesk"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("build", [claude_code_command, claude_code_add_json])
def test_the_printed_command_registers_the_server(tmp_path: Path, build: object) -> None:
    argv = build(TOKEN, COMMAND)  # type: ignore[operator]
    added = claude(tmp_path, argv)
    assert added.returncode == 0, added.stderr[-2000:]
    assert registered(tmp_path) == server_entry(ClientKind.CLAUDE_CODE, TOKEN, COMMAND)
    shown = claude(tmp_path, ["claude", "mcp", "get", "orderdesk"])
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert str(COMMAND) in shown.stdout and f"{TOKEN_ENV}={TOKEN}" in shown.stdout
    assert "User config" in shown.stdout


def test_the_old_command_shape_is_refused(tmp_path: Path) -> None:
    """Why the name moved: after the variadic --env it is swallowed (issue 11)."""
    argv = claude_code_command(TOKEN, COMMAND)
    env_at = argv.index("--env")
    old = [*argv[: argv.index("orderdesk")], *argv[env_at : env_at + 2], "orderdesk"]
    old += argv[env_at + 2 :]
    assert old.index("--env") < old.index("orderdesk") and len(old) == len(argv)
    refused = claude(tmp_path, old)
    assert refused.returncode != 0 and "commandOrUrl" in refused.stderr
