"""Run ``orderdesk-mcp serve`` as a subprocess and wait for its endpoint."""

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

CLI = [sys.executable, "-m", "app.cli"]


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
