"""The official MCP Inspector CLI (TypeScript SDK) launching ``serve --stdio`` itself.

Starts in one data folder: the first is answered by the MCP SDK and remembers its
``initialize`` result, the next send that result, and answer a read-only tool call or
``tools/list``, before the SDK has loaded (:mod:`app.mcp.transport.early`). The TypeScript
client must see no difference.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_inspector import INSPECTOR, npm_home  # noqa: F401 - the fixture
from tests.processes import client_token

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (Node.js) is not installed"),
    pytest.mark.skipif(os.name == "nt", reason="the early stdio path is POSIX only"),
]


def inspector_stdio(npm_dir: Path, home: Path, token: str, *args: str) -> object:
    """Run the Inspector CLI with ``orderdesk-mcp serve --stdio`` as its server."""
    env = {k: v for k, v in os.environ.items() if k != "ORDERDESK_TRAY_TOKEN"}
    env["HOME"] = str(npm_dir)
    env.setdefault("npm_config_cache", str(npm_dir / ".npm"))
    server_env = ["-e", f"ORDERDESK_TRAY_HOME={home}", "-e", f"ORDERDESK_TRAY_TOKEN={token}"]
    command = ["npx", "-y", INSPECTOR, "--cli", *server_env]
    command += [sys.executable, "-m", "app.cli", "serve", "--stdio", *args]
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, cwd=Path.cwd())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return json.loads(done.stdout)


def test_inspector_works_with_the_early_initialize_answer(
    npm_home: Path,  # noqa: F811 - the fixture
    data_home: Path,
) -> None:
    token = client_token(data_home, "inspector", ("read",))
    for _ in range(2):
        result = inspector_stdio(
            npm_home, data_home, token, "--method", "tools/call", "--tool-name", "session_info"
        )
        assert "inspector" in json.dumps(result)
    listed = inspector_stdio(npm_home, data_home, token, "--method", "tools/list")
    assert "orders_get" in {tool["name"] for tool in listed["tools"]}  # type: ignore[index]
    log = "".join(p.read_text() for p in (data_home / "logs").glob("*.log*"))
    assert "answered by the MCP server" in log
    assert "before the MCP SDK loaded" in log
