"""The self-test's MCP client: one tool call through the stdio shim, over pipes, stdlib only.

:func:`app.selftest.check_mcp_through_shim` starts a headless host and uses these helpers to
present a client token, wait for the host's endpoint, speak JSON-RPC to the shim and stop the
processes it started.
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from app import __version__

MCP_TIMEOUT = 30.0
HANDSHAKE_VERSION = "2025-06-18"  # what Claude Desktop and other real clients send
SELFTEST_TOOL = "session_info"
SELFTEST_CLIENT = "orderdesk-selftest"


def selftest_token() -> str:
    """Register a read-only client in the temp data folder's database; return its token."""
    from app.core.db import close_db, init_db
    from app.core.db.tokens import create_token

    init_db()
    try:
        return create_token(SELFTEST_CLIENT, ("read",))[1]
    finally:
        close_db()


def wait_for_endpoint(
    home: Path, host: subprocess.Popen[bytes], log: IO[bytes], deadline: float
) -> None:
    """Poll until the host has written its endpoint file; fail if it exits or takes too long."""
    from app.mcp.transport.endpoint_file import read_endpoint

    endpoint = home / "endpoint.json"
    while read_endpoint(endpoint) is None:
        if host.poll() is not None:
            raise RuntimeError(f"the headless host exited with {host.returncode}: {last_line(log)}")
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"the headless host wrote no endpoint file within {MCP_TIMEOUT:.0f} s"
            )
        time.sleep(0.05)


def call_through_shim(command: list[str], env: dict[str, str], deadline: float) -> str:
    """Run the shim, do the initialize handshake and one ``tools/call``; describe the answer."""
    shim = subprocess.Popen(
        [*command, "--no-launch"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=_read_lines, args=(shim.stdout, lines), daemon=True).start()
    try:
        started = time.perf_counter()
        init = request(shim, lines, deadline, 1, "initialize", initialize_params())
        send(shim, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        params = {"name": SELFTEST_TOOL, "arguments": {}}
        result = request(shim, lines, deadline, 2, "tools/call", params)
        millis = (time.perf_counter() - started) * 1000
    finally:
        stop_process(shim, close_stdin=True)
    if result.get("isError"):
        raise RuntimeError(f"{SELFTEST_TOOL} returned an error: {result.get('content')}")
    version = init.get("protocolVersion")
    return f"{SELFTEST_TOOL} answered, handshake {version}, {millis:.0f} ms after the shim started"


def initialize_params() -> dict[str, object]:
    """The ``initialize`` parameters of a 2025-era client."""
    return {
        "protocolVersion": HANDSHAKE_VERSION,
        "capabilities": {},
        "clientInfo": {"name": "orderdesk-selftest", "version": __version__},
    }


def send(process: subprocess.Popen[bytes], message: Mapping[str, object]) -> None:
    """Write one JSON-RPC message line to the process."""
    assert process.stdin is not None
    process.stdin.write(json.dumps(message).encode() + b"\n")
    process.stdin.flush()


def request(
    process: subprocess.Popen[bytes],
    lines: queue.Queue[bytes],
    deadline: float,
    request_id: int,
    method: str,
    params: Mapping[str, object],
) -> dict[str, object]:
    """Send a request and return its result; notifications in between are skipped."""
    send(process, {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"no answer to {method} within {MCP_TIMEOUT:.0f} s") from None
        if not line:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the shim closed before answering {method}: {stderr.strip()}")
        message = json.loads(line)
        if message.get("id") != request_id:
            continue
        if "error" in message:
            raise RuntimeError(f"{method} failed: {message['error']}")
        result = message.get("result")
        return result if isinstance(result, dict) else {}


def _read_lines(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
    for line in iter(stream.readline, b""):
        lines.put(line)
    lines.put(b"")


def stop_process(process: subprocess.Popen[bytes], close_stdin: bool = False) -> None:
    """Ask a child to end (EOF or terminate), wait a little, kill it if it hangs."""
    if close_stdin and process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def last_line(log: IO[bytes]) -> str:
    """The last non-empty line written to a binary log file object."""
    log.seek(0)
    text = log.read().decode(errors="replace")
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"
