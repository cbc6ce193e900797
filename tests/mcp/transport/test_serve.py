"""``orderdesk-mcp serve``: --listen (with the demo store), --stdio, the lock, clean exits."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPDeprecationWarning

from app.core import settings
from app.core.db import close_db, init_db
from app.mcp.transport.local_client import local_client_transport
from tests.processes import CLI, INITIALIZED, client_token, initialize_request, serving

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="POSIX signals and sockets"),
    pytest.mark.slow,
]


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_listen_demo_serves_the_real_tools(data_home: Path, mode: str) -> None:
    token = client_token(data_home, "Tester")
    with serving(data_home, "--demo") as (proc, info):
        transport = local_client_transport(info, token, "test")
        async with Client(transport, mode=mode, cache=None) as c:  # type: ignore[arg-type]
            names = {tool.name for tool in (await c.list_tools()).tools}
            assert {"session_info", "stores_list", "orders_list"} <= names
            stores = await c.call_tool("stores_list", {})
            assert "Demo Store" in json.dumps(stores.structured_content)
            who = await c.call_tool("session_info", {})
            assert "Tester" in json.dumps(who.structured_content)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
    assert not (data_home / "endpoint.json").exists()


def allow_tokenless_read(home: Path) -> None:
    init_db(home / "orderdesk-tray.db")
    try:
        settings.set_value("mcp.allow_tokenless_read", True)
    finally:
        close_db()


def test_a_shim_without_a_token_is_refused_with_a_clear_message(data_home: Path) -> None:
    """A real shim against a real ``serve --listen``: refused, unless read-only is allowed."""
    env = {k: v for k, v in os.environ.items() if k != "ORDERDESK_TRAY_TOKEN"}
    env["ORDERDESK_TRAY_HOME"] = str(data_home)
    init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "nameless", "version": "0"}}}).encode() + b"\n"  # fmt: skip
    with serving(data_home):
        refused = subprocess.run(
            [*CLI, "--no-launch"], input=init, env=env, capture_output=True, timeout=30
        )
        assert refused.returncode == 1
        assert b"presented no token" in refused.stderr, refused.stderr
        assert b"mcp.allow_tokenless_read" in refused.stderr
        assert refused.stdout == b""
        allow_tokenless_read(data_home)  # read on each hello: no restart needed
        allowed = subprocess.run(
            [*CLI, "--no-launch"], input=init, env=env, capture_output=True, timeout=30
        )
        assert allowed.returncode == 0, allowed.stderr
        assert json.loads(allowed.stdout.splitlines()[0])["result"]["serverInfo"]


def test_listen_refuses_a_planted_runtime_folder(data_home: Path, tmp_path: Path) -> None:
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(data_home), XDG_RUNTIME_DIR=str(tmp_path))
    probe = [*CLI[:1], "-c", "from app.core import paths; print(paths.runtime_dir())"]
    planted = Path(subprocess.run(probe, env=env, capture_output=True, text=True).stdout.strip())
    planted.chmod(0o755)  # another user's folder under our predictable name
    done = subprocess.run(
        [*CLI, "serve", "--listen"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "has mode 0755 instead of 0700, so it is not safe to use" in done.stderr
    assert list(planted.iterdir()) == [] and not (data_home / "endpoint.json").exists()


def test_sigterm_exits_cleanly_and_removes_the_endpoint(data_home: Path) -> None:
    with serving(data_home) as (proc, info):
        assert info.path is not None and Path(info.path).exists()
        proc.terminate()
        assert proc.wait(30) == 0
        assert not Path(info.path).exists()
    assert not (data_home / "endpoint.json").exists()


def test_second_listener_does_not_steal_a_live_endpoint(data_home: Path) -> None:
    with serving(data_home) as (_, info):
        env = dict(os.environ, ORDERDESK_TRAY_HOME=str(data_home))
        second = subprocess.run(
            [*CLI, "serve", "--listen"], env=env, capture_output=True, timeout=60
        )
        assert second.returncode == 1
        assert b"already serves AI clients" in second.stderr
        assert json.loads((data_home / "endpoint.json").read_text())["pid"] == info.pid


def test_stale_endpoint_of_a_dead_process_is_taken_over(data_home: Path) -> None:
    with serving(data_home) as (proc, _):
        proc.kill()  # no clean-up: the endpoint file and socket stay behind
        proc.wait(30)
    assert (data_home / "endpoint.json").exists()
    with serving(data_home) as (proc, info):
        assert info.pid == proc.pid


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_stdio_serves_one_session_for_the_token(data_home: Path, mode: str) -> None:
    token = client_token(data_home, "stdio-client", ("read", "write-notes"))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "app.cli", "serve", "--stdio"],
        env={**os.environ, "ORDERDESK_TRAY_TOKEN": token, "ORDERDESK_TRAY_HOME": str(data_home)},
    )
    async with Client(params, mode=mode, cache=None) as c:  # type: ignore[arg-type]
        who = await c.call_tool("session_info", {})
    text = json.dumps(who.structured_content)
    assert "stdio-client" in text and "write-notes" in text


async def test_stdio_answers_a_remembered_initialize_before_the_sdk_loads(data_home: Path) -> None:
    """A handshake-era client (the 2026-era ``auto`` mode sends no initialize: the SDK alone
    serves it, covered above)."""
    token = client_token(data_home, "stdio-client", ("read",))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "app.cli", "serve", "--stdio"],
        env={**os.environ, "ORDERDESK_TRAY_TOKEN": token, "ORDERDESK_TRAY_HOME": str(data_home)},
    )
    for _ in range(2):  # the first start remembers the server's answer, the second sends it
        async with Client(params, mode="legacy", cache=None) as c:  # type: ignore[arg-type]
            who = await c.call_tool("session_info", {})  # (reads: answered before the SDK
            listed = await c.list_tools()  # loads when they come in time; the same either way)
            no_store = await c.call_tool("orders_get", {"order_id": "1"})
            with warnings.catch_warnings():  # logging is deprecated for the 2026 era only
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                log_level = await c.set_logging_level("error")
        assert "stdio-client" in json.dumps(who.structured_content)
        assert "orders_get" in {tool.name for tool in listed.tools}
        assert no_store.is_error and "stores_list" in json.dumps(no_store.model_dump(mode="json"))
        assert log_level is not None
    log = "".join(p.read_text() for p in (data_home / "logs").glob("*.log*"))
    assert "answered by the MCP server" in log
    assert "before the MCP SDK loaded" in log


async def test_stdio_reads_on_past_a_line_too_deep_to_parse(data_home: Path) -> None:
    """A line ``json.loads`` fails on (RecursionError) goes to the SDK; later requests are
    answered (before and after the SDK loads) and closing stdin still ends the process."""
    env = {**os.environ, "ORDERDESK_TRAY_TOKEN": client_token(data_home, "deep", ("read",))}
    nested = b"[" * 200000 + b"]" * 200000 + b"\n"
    for _ in range(2):  # the second start answers initialize and the call before the SDK
        proc = await asyncio.create_subprocess_exec(
            *CLI,
            "serve",
            "--stdio",
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdin is not None and proc.stdout is not None
        call = {"name": "session_info", "arguments": {}}
        for message in (
            initialize_request("deep"),
            INITIALIZED,
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call},
            {"jsonrpc": "2.0", "id": 3, "method": "ping"},
        ):
            proc.stdin.write(json.dumps(message).encode() + b"\n")
            if message is INITIALIZED:
                proc.stdin.write(nested)
        await proc.stdin.drain()
        ids = [json.loads(await asyncio.wait_for(proc.stdout.readline(), 60))["id"]]
        while len(ids) < 3:
            ids.append(json.loads(await asyncio.wait_for(proc.stdout.readline(), 60))["id"])
        assert sorted(ids) == [1, 2, 3]
        proc.stdin.close()
        assert await asyncio.wait_for(proc.wait(), 60) == 0
    log = "".join(p.read_text() for p in (data_home / "logs").glob("*.log*"))
    assert "could not be routed; passed on" in log


def test_stdio_with_a_bad_token_fails_with_a_message(data_home: Path) -> None:
    env = dict(os.environ, ORDERDESK_TRAY_TOKEN="odt_bogus", ORDERDESK_TRAY_HOME=str(data_home))
    done = subprocess.run(
        [*CLI, "serve", "--stdio"],
        env=env,
        capture_output=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert b"not recognised or has been revoked" in done.stderr
    assert done.stdout == b""


def test_serve_needs_a_mode() -> None:
    done = subprocess.run([*CLI, "serve"], capture_output=True, timeout=60)
    assert done.returncode == 2
