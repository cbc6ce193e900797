"""What the benchmarks share to run the app as a user would: the ``orderdesk-mcp`` command, a
data folder whose secrets live in the vault, and ``serve --listen`` up on its local socket."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from app.mcp.transport.endpoint_file import EndpointInfo, read_endpoint
from app.sandbox import SandboxStore
from app.sandbox.bucket import BucketAnswer

CLI = [sys.executable, "-m", "app.cli"]
STORE_ID, API_KEY = "424242", "bench-key-0d6f2b8e9a"


def environment(home: Path) -> dict[str, str]:
    """A data folder whose secrets live in the vault (no keychain needed)."""
    return dict(
        os.environ,
        ORDERDESK_TRAY_HOME=str(home),
        ORDERDESK_TRAY_VAULT_PASSPHRASE="bench passphrase",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run ``orderdesk-mcp ARGS``; exit on failure."""
    done = subprocess.run(
        [*CLI, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"orderdesk-mcp {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def start_listen(
    env: dict[str, str], *extra: str, timeout: float = 60
) -> tuple[subprocess.Popen[bytes], EndpointInfo]:
    """Start ``serve --listen EXTRA`` and wait for its endpoint file; exit if it never comes."""
    home = Path(env["ORDERDESK_TRAY_HOME"])
    command = [*CLI, "serve", "--listen", *extra]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = read_endpoint(home / "endpoint.json")
        if info is not None and info.pid == proc.pid:
            return proc, info
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{' '.join(command[2:])} did not start")


class Refusals:
    """Counts the 429s a sandbox store's bucket sends (to anyone)."""

    def __init__(self, store: SandboxStore) -> None:
        self.total = 0
        self._take = store.bucket.take
        store.bucket.take = self._counted  # type: ignore[method-assign]

    def _counted(self) -> BucketAnswer:
        answer = self._take()
        self.total += not answer.allowed
        return answer
