"""An independent MCP client: the official MCP Inspector CLI (TypeScript SDK) through the shim.

It starts ``orderdesk-mcp serve --listen --demo`` and lets ``npx @modelcontextprotocol/inspector
--cli`` launch our shim (``python -m app.cli --no-launch``) as its stdio server. npm's download
lands in ``$npm_config_cache`` when set (CI can warm it in .ci/setup), else in a temp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.db import close_db, init_db
from app.core.db.tokens import create_token
from tests.processes import client_token, serving

INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (Node.js) is not installed"),
    pytest.mark.skipif(os.name == "nt", reason="runs the Unix-socket endpoint"),
]


@pytest.fixture(scope="module")
def npm_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway HOME for npx (its cache too, unless npm_config_cache is set)."""
    return tmp_path_factory.mktemp("npm-home")


@pytest.fixture
def demo_server(data_home: Path) -> Iterator[Path]:
    """``serve --listen --demo`` on the test's data folder."""
    with serving(data_home, "--demo") as (proc, _):
        yield data_home
        proc.terminate()
        assert proc.wait(30) == 0


def inspector(npm_home: Path, home: Path, *args: str, token: str | None = None) -> object:
    """Run the Inspector CLI against our shim; return its parsed JSON output."""
    env = {k: v for k, v in os.environ.items() if k != "ORDERDESK_TRAY_TOKEN"}
    env["HOME"] = str(npm_home)
    env.setdefault("npm_config_cache", str(npm_home / ".npm"))
    server_env = ["-e", f"ORDERDESK_TRAY_HOME={home}"]
    if token is not None:
        server_env += ["-e", f"ORDERDESK_TRAY_TOKEN={token}"]
    command = ["npx", "-y", INSPECTOR, "--cli", *server_env]
    command += [sys.executable, "-m", "app.cli", "--no-launch", *args]
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, cwd=Path.cwd())
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return json.loads(done.stdout)


def test_inspector_lists_the_tools(npm_home: Path, demo_server: Path) -> None:
    token = client_token(demo_server, "Lister")  # token-less clients are refused
    listed = inspector(npm_home, demo_server, "--method", "tools/list", token=token)
    assert isinstance(listed, dict)
    names = {tool["name"] for tool in listed["tools"]}
    assert {"session_info", "stores_list", "orders_list"} <= names


def test_inspector_calls_a_tool_on_the_demo_store(npm_home: Path, demo_server: Path) -> None:
    token = client_token(demo_server, "Caller")
    called = inspector(
        npm_home, demo_server, "--method", "tools/call", "--tool-name", "stores_list",
        token=token,
    )  # fmt: skip
    assert isinstance(called, dict)
    assert called["isError"] is False
    assert called["structuredContent"]["stores"][0]["name"] == "Demo Store"


def test_inspector_presents_the_clients_token(npm_home: Path, demo_server: Path) -> None:
    init_db(demo_server / "orderdesk-tray.db")
    try:
        token = create_token("Inspector", ("read", "write-notes"))[1]
    finally:
        close_db()
    called = inspector(
        npm_home, demo_server, "--method", "tools/call", "--tool-name", "session_info",
        token=token,
    )  # fmt: skip
    assert isinstance(called, dict)
    assert "Inspector" in json.dumps(called["structuredContent"])
