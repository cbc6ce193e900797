"""Starting the app's own processes in tests: the tray, ``orderdesk-mcp serve``, the shim.

One place for the commands, the environments and the waits that tests of several packages
share (tray start-up in tests/gui, ``serve --listen`` in tests/mcp and tests/e2e, the shim's
first JSON-RPC lines).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.db import close_db, init_db
from app.core.db.tokens import create_token
from app.mcp.transport.endpoint_file import EndpointInfo, read_endpoint

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "app.cli"]
"""``orderdesk-mcp``: the shim with no sub-command, else the command line."""
TRAY = [sys.executable, "-m", "app"]
"""``orderdesk-tray``."""
START_LIMIT_S = 30.0
"""How long a tray may take to come up in tests."""
PROTOCOL = "2025-06-18"
"""The MCP protocol era real clients still use for ``initialize``."""
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def initialize_request(client: str, version: str = "1") -> dict[str, object]:
    """The ``initialize`` request (id 1) a client named ``client`` sends first."""
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": PROTOCOL,
            "capabilities": {},
            "clientInfo": {"name": client, "version": version},
        },
    }


def tray_env() -> dict[str, str]:
    """The tray offscreen, with no keychain (a vault passphrase instead)."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["ORDERDESK_TRAY_VAULT_PASSPHRASE"] = "test-passphrase"
    return env


@contextmanager
def running_tray(*args: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """``orderdesk-tray ARGS`` (offscreen, no keychain); killed and reaped if still running."""
    tray = subprocess.Popen(
        [*TRAY, *args], cwd=ROOT, env=env or tray_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield tray
    finally:
        if tray.poll() is None:
            tray.kill()
            tray.wait()
        for stream in (tray.stdout, tray.stderr):
            if stream is not None:
                stream.close()


def wait_for_log(
    log: Path, text: str, process: subprocess.Popen[str], limit: float = START_LIMIT_S
) -> None:
    """Poll the log file until it holds ``text``; fail early if ``process`` died."""
    deadline = time.monotonic() + limit
    while not (log.exists() and text in log.read_text(encoding="utf-8")):
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, f"no {text!r} in the log"
        time.sleep(0.05)


def client_token(home: Path, name: str, scopes: tuple[str, ...] = ("read",)) -> str:
    """Register a client in ``home``'s database (before serving) and return its token."""
    init_db(home / "orderdesk-tray.db")
    try:
        return create_token(name, scopes)[1]
    finally:
        close_db()


def wait_for_endpoint(
    path: Path, proc: subprocess.Popen[bytes], timeout: float = 60
) -> EndpointInfo:
    """Poll the endpoint file until the server wrote it (or fail when the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_endpoint(path)
        if info is not None and info.pid == proc.pid:
            return info
        if proc.poll() is not None:
            raise AssertionError(
                f"serve exited with {proc.returncode}: {proc.stderr and proc.stderr.read()!r}"
            )
        time.sleep(0.05)
    raise AssertionError("serve did not publish its endpoint")


@contextmanager
def serving(home: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], EndpointInfo]]:
    """``serve --listen <args>`` with ``ORDERDESK_TRAY_HOME=home``; SIGTERM at the end."""
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(home))
    proc = subprocess.Popen(
        [*CLI, "serve", "--listen", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        yield proc, wait_for_endpoint(home / "endpoint.json", proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
        proc.communicate(timeout=30)
