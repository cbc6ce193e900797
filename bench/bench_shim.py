"""Benchmark: the stdio shim's overhead on the local endpoint.

Starts ``orderdesk-mcp serve --listen`` in a temp data folder, then measures

* the median ``tools/call`` latency (``session_info``, no Order Desk I/O) of an SDK client
  talking through the shim (stdio) against an SDK client on the Unix socket directly; the
  ratio should be at most 1.15;
* the median time from spawning the shim to the answer of ``initialize`` (raw JSON-RPC on its
  pipes); the target is 60 ms.

Exits non-zero when a target is missed. Usage: ``.venv/bin/python bench/bench_shim.py [--calls N]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mcp import ClientSession, StdioServerParameters, stdio_client
from serving import CLI, start_listen

from app.core.db import close_db, init_db
from app.core.db.tokens import create_token
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local_client import local_client_transport

RATIO_TARGET = 1.15
CONNECT_TARGET_MS = 60.0
TOKEN_ENV = "ORDERDESK_TRAY_TOKEN"
SCRIPT = Path(sys.executable).with_name("orderdesk-mcp")
SHIM = [str(SCRIPT)] if SCRIPT.exists() else CLI  # what AI clients launch
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "bench", "version": "0"},
    },
}


def client_token(home: Path) -> str:
    """Register a read-only client in the data folder (token-less sessions are refused)."""
    init_db(home / "orderdesk-tray.db")
    try:
        return create_token("bench", ("read",))[1]
    finally:
        close_db()


async def _timed(session: ClientSession) -> float:
    started = time.perf_counter()
    await session.call_tool("session_info", {})
    return time.perf_counter() - started


async def compare(info: EndpointInfo, home: Path, calls: int) -> tuple[list[float], list[float]]:
    """Alternate calls between both clients so machine load hits them alike."""
    params = StdioServerParameters(
        command=SHIM[0],
        args=[*SHIM[1:], "--no-launch"],
        env={**os.environ, "ORDERDESK_TRAY_HOME": str(home)},
    )
    direct_transport = local_client_transport(info, os.environ[TOKEN_ENV], "bench")
    async with (
        direct_transport as (d_read, d_write),
        ClientSession(d_read, d_write) as direct,
        stdio_client(params) as (s_read, s_write),
        ClientSession(s_read, s_write) as shimmed,
    ):
        for session in (direct, shimmed):
            await session.initialize()
            await session.list_tools()
            for _ in range(20):  # warm-up
                await session.call_tool("session_info", {})
        direct_samples, shim_samples = [], []
        for _ in range(calls):
            direct_samples.append(await _timed(direct))
            shim_samples.append(await _timed(shimmed))
    return direct_samples, shim_samples


def shim_connect_once(home: Path) -> float:
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(home))
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*SHIM, "--no-launch"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(INIT).encode() + b"\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    assert b'"result"' in line, line
    proc.stdin.close()
    proc.wait(10)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500, help="timed tools/call per client")
    parser.add_argument("--connects", type=int, default=30, help="timed shim start-ups")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="odt-bench-") as tmp:
        home = Path(tmp)
        os.environ[TOKEN_ENV] = client_token(home)  # the shim presents it, as AI clients do
        proc, info = start_listen(dict(os.environ, ORDERDESK_TRAY_HOME=str(home)))
        try:
            direct_samples, shim_samples = asyncio.run(compare(info, home, args.calls))
            connects = [shim_connect_once(home) * 1000 for _ in range(args.connects)]
        finally:
            proc.terminate()
            proc.wait(30)
    direct_ms = statistics.median(direct_samples) * 1000
    shim_ms = statistics.median(shim_samples) * 1000
    connect_ms = statistics.median(connects)
    ratio = shim_ms / direct_ms
    print(f"tools/call median, SDK client on the socket: {direct_ms:.3f} ms")
    print(f"tools/call median, SDK client via the shim:  {shim_ms:.3f} ms")
    print(f"ratio shim/direct: {ratio:.2f} (target <= {RATIO_TARGET})")
    print(f"shim connect + initialize median: {connect_ms:.1f} ms (target <= {CONNECT_TARGET_MS})")
    return 0 if ratio <= RATIO_TARGET and connect_ms <= CONNECT_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
