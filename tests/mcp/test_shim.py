"""The stdlib shim as a subprocess: JSON-RPC through it to a real local endpoint."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.mcp import shim
from tests.mcp.transport.conftest import Served, served_fixture  # noqa: F401 - fixture
from tests.processes import CLI, initialize_request

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix socket tests")

HEAVY = ("mcp", "mcp_types", "pydantic", "httpx", "httpx2", "PySide6", "anyio", "peewee", "keyring")


async def _shim(*args: str, token: str | None = None) -> asyncio.subprocess.Process:
    env = dict(os.environ)
    if token is not None:
        env["ORDERDESK_TRAY_TOKEN"] = token
    return await asyncio.create_subprocess_exec(
        *CLI,
        *args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


async def _rpc(proc: asyncio.subprocess.Process, message: dict[str, object]) -> None:
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(message).encode() + b"\n")
    await proc.stdin.drain()


async def _reply(proc: asyncio.subprocess.Process) -> dict[str, object]:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 10)
    assert line, "the shim closed stdout"
    reply: dict[str, object] = json.loads(line)
    return reply


INIT = initialize_request("shim-test", "0")


async def test_initialize_list_and_call_through_the_shim(served: Served) -> None:
    proc = await _shim(token="odt_alice")
    await _rpc(proc, INIT)
    init = await _reply(proc)
    assert init["result"]["serverInfo"]["name"] == "fake-orderdesk"  # type: ignore[index]
    await _rpc(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    await _rpc(proc, {"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    tools = (await _reply(proc))["result"]["tools"]  # type: ignore[index]
    assert {tool["name"] for tool in tools} == {"echo", "session_info"}
    call = {"name": "session_info", "arguments": {}}
    await _rpc(proc, {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": call})
    info = (await _reply(proc))["result"]["structuredContent"]  # type: ignore[index]
    assert info["identity"] == "alice"
    assert proc.stdin is not None
    proc.stdin.close()
    assert await asyncio.wait_for(proc.wait(), 10) == 0


async def test_no_token_gets_the_anonymous_identity(served: Served) -> None:
    proc = await _shim()
    await _rpc(proc, INIT)
    await _reply(proc)
    call = {"name": "session_info", "arguments": {}}
    await _rpc(proc, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call})
    info = (await _reply(proc))["result"]["structuredContent"]  # type: ignore[index]
    assert info["identity"] == "anonymous"
    assert proc.stdin is not None
    proc.stdin.close()
    assert await asyncio.wait_for(proc.wait(), 10) == 0


async def test_refused_token_exits_1_with_the_reason(served: Served) -> None:
    proc = await _shim(token="odt_revoked")
    _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 1
    assert b"not valid or was revoked" in err


async def test_revoked_session_ends_the_shim(served: Served) -> None:
    proc = await _shim(token="odt_bob")
    await _rpc(proc, INIT)
    await _reply(proc)
    assert served.registry.revoke_sessions(lambda state: state.identity.name == "bob") == 1
    _, err = await asyncio.wait_for(proc.communicate(), 10)
    assert proc.returncode == 1
    assert b"ended the session" in err


def test_no_tray_fails_fast_with_a_message() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [*CLI, "--no-launch"], stdin=subprocess.DEVNULL, capture_output=True, timeout=30
    )
    assert done.returncode == 1
    assert b"OrderDesk Tray is not running" in done.stderr
    assert done.stdout == b""
    assert time.monotonic() - started < 5


def test_stale_endpoint_file_counts_as_no_tray(data_home: object) -> None:
    from app.core import paths

    paths.endpoint_file().write_text(
        json.dumps({"transport": "unix", "path": "/nonexistent/x.sock", "pid": 1, "version": "0"})
    )
    done = subprocess.run([*CLI, "--no-launch"], capture_output=True, timeout=30)
    assert done.returncode == 1
    assert b"not running" in done.stderr


def test_launch_without_a_tray_executable_says_so(
    monkeypatch: pytest.MonkeyPatch, data_home: Path
) -> None:
    monkeypatch.setattr(shim, "find_tray", lambda: None)
    with pytest.raises(shim.ShimError, match="was not found"):
        shim.open_connection(True, data_home / "endpoint.json")


def test_launched_tray_that_never_listens_times_out(
    monkeypatch: pytest.MonkeyPatch, data_home: Path
) -> None:
    launched: list[str] = []

    def launch(executable: str) -> Callable[[], int | None]:
        launched.append(executable)
        return lambda: None  # still running, never listening

    monkeypatch.setattr(shim, "find_tray", lambda: "/opt/orderdesk-tray")
    monkeypatch.setattr(shim, "launch_tray", launch)
    monkeypatch.setattr(shim, "LAUNCH_TIMEOUT", 0.3)
    with pytest.raises(shim.ShimError, match="did not open its MCP endpoint"):
        shim.open_connection(True, data_home / "endpoint.json")
    assert launched == ["/opt/orderdesk-tray"]


def test_a_tray_that_fails_to_start_is_reported_at_once(
    monkeypatch: pytest.MonkeyPatch, data_home: Path
) -> None:
    monkeypatch.setattr(shim, "find_tray", lambda: shutil.which("false"))
    started = time.monotonic()
    with pytest.raises(shim.ShimError, match=r"could not start \(exit code 1\)"):
        shim.open_connection(True, data_home / "endpoint.json")
    assert time.monotonic() - started < shim.LAUNCH_TIMEOUT / 2


def test_endpoint_path_matches_the_app(
    monkeypatch: pytest.MonkeyPatch, data_home: Path, tmp_path: Path
) -> None:
    from app.core import paths

    assert shim.endpoint_path() == paths.endpoint_file()
    monkeypatch.delenv("ORDERDESK_TRAY_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert shim.endpoint_path() == paths.endpoint_file()


def test_shim_imports_nothing_heavy() -> None:
    code = (
        "import sys, app.cli, app.mcp.shim;"
        f"heavy = {HEAVY!r};"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30)
    assert done.stdout.strip() == b"[]", done.stdout
