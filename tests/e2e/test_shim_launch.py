"""The shim's default ``--launch`` path end to end: no tray runs, so the shim starts the installed
``orderdesk-tray``, waits for its endpoint and pumps JSON-RPC; a second shim reuses that tray;
SIGTERM stops it cleanly.

The shim is ``python -m app.cli`` on this venv's Python, so it finds ``orderdesk-tray`` next to
``sys.executable`` exactly as an installed ``orderdesk-mcp`` does. The tray it launches inherits
the shim's environment:

* ``QT_QPA_PLATFORM=offscreen``: the tray needs no X server, xcb libraries or tray host. Without
  a system tray it opens its order browser instead, which offscreen Qt draws without a display,
  so the test behaves the same under ``xvfb-run`` and without it (``gui``: it runs Qt).
* ``PYTHONPATH`` = this checkout, so the tray runs this tree's code and can load the test keyring
  (``PYTHON_KEYRING_BACKEND`` from the ``test_keyring`` fixture) instead of the host's keychain.

Linux only: parent pids come from ``/proc``, and this test process becomes a child subreaper
(``prctl(PR_SET_CHILD_SUBREAPER)``) for the test, so the tray, orphaned when its shim exits, is
reparented here: its exit status can be read and nothing it leaves is reaped by someone else.
"""

from __future__ import annotations

import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.mcp import shim
from app.mcp.transport.endpoint_file import read_endpoint
from tests.processes import INITIALIZED, client_token, initialize_request

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        sys.platform != "linux", reason="reads /proc and uses prctl(PR_SET_CHILD_SUBREAPER)"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
REPLY_S = 30.0
"""First reply through a launching shim: tray start-up plus the shim's own 10 s launch wait."""
STOP_S = 10.0
"""Exit of a shim after stdin closes, and of the tray after SIGTERM (it stops in about 2 s)."""
POLL_S = 0.05
PR_SET_CHILD_SUBREAPER = 36
INIT = initialize_request("shim-launch-e2e")
SESSION_INFO = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "session_info", "arguments": {}},
}


def set_child_subreaper(enabled: bool) -> None:
    """Make orphaned descendants of this process its children (Linux prctl)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, int(enabled), 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def parent_of(pid: int) -> int | None:
    """The parent pid of ``pid`` (zombies included), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # after "pid (comm)": state, ppid


def children_of(pid: int) -> list[int]:
    """Pids whose parent is ``pid``, running or zombie."""
    found = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return sorted(child for child in found if parent_of(child) == pid)


def is_tray(pid: int) -> bool:
    """True if ``pid`` runs the ``orderdesk-tray`` entry point."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(Path(os.fsdecode(arg)).name == "orderdesk-tray" for arg in argv if arg)


def wait_for_exit(pid: int, timeout: float) -> int | None:
    """Reap the child ``pid``; its exit code, or None if it still runs after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            return None
        time.sleep(POLL_S)  # polling with a deadline: a non-blocking waitpid has no event


class ShimProcess:
    """One ``orderdesk-mcp`` shim run as a subprocess, spoken to in JSON-RPC lines."""

    def __init__(self, *args: str, token: str) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ORDERDESK_TRAY_TOKEN=token)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._buffer = b""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def reply(self, timeout: float) -> dict[str, Any]:
        """The next JSON-RPC line from the shim's stdout, within ``timeout`` seconds."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, f"no reply from the shim within {timeout:.0f} s"
            if select.select([fd], [], [], left)[0]:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    err = self.proc.communicate(timeout=STOP_S)[1].decode(errors="replace")
                    raise AssertionError(f"the shim closed stdout: {err}")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def session_info(self, timeout: float) -> dict[str, Any]:
        """Initialize a session and call ``session_info``; return its structured result."""
        self.send(INIT)
        init = self.reply(timeout)
        assert init.get("id") == 1 and "serverInfo" in init.get("result", {}), init
        self.send(INITIALIZED)
        self.send(SESSION_INFO)
        answer = self.reply(REPLY_S)
        assert answer.get("id") == 2 and answer["result"]["isError"] is False, answer
        info: dict[str, Any] = answer["result"]["structuredContent"]
        return info

    def finish(self) -> tuple[int, bytes]:
        """End the session (close stdin); the exit code and stderr once stdout and stderr close.

        ``communicate`` reads both pipes to EOF: a tray that inherited them would keep them
        open and this would time out.
        """
        try:
            out, err = self.proc.communicate(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            state = "runs" if self.proc.poll() is None else "exited"
            raise AssertionError(
                f"the shim's stdout/stderr stayed open {STOP_S:.0f} s after its stdin closed "
                f"(the shim {state}; does the launched tray hold its pipes?)"
            ) from None
        assert self._buffer + out == b"", f"unexpected output after the session: {out!r}"
        return self.proc.returncode, err

    def kill(self) -> None:
        """Kill the shim if it still runs and close its pipes."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


class Launches:
    """The shims a test started and the trays they launched; all ended and reaped at teardown."""

    def __init__(self) -> None:
        self.shims: list[ShimProcess] = []
        self.trays: set[int] = set()

    def shim(self, *args: str, token: str) -> ShimProcess:
        started = ShimProcess(*args, token=token)
        self.shims.append(started)
        return started

    def clean_up(self) -> None:
        """Kill the shims (their trays are then our children), then kill and reap every tray."""
        for started in self.shims:
            self.trays.update(children_of(started.pid))  # before it ends: zombies included
            started.kill()
        me = os.getpid()
        strays = {pid for pid in children_of(me) if is_tray(pid)}
        for pid in sorted(self.trays | strays):
            if parent_of(pid) == me:  # else reaped by the test already (or never ours)
                os.kill(pid, signal.SIGKILL)  # our unreaped child: it exists, a zombie at least
                os.waitpid(pid, 0)


@pytest.fixture
def launches(data_home: Path, test_keyring: Any) -> Iterator[Launches]:
    """Shims started in a fresh data folder with the test keyring; nothing outlives the test."""
    tracked = Launches()
    set_child_subreaper(True)
    try:
        yield tracked
    finally:
        try:
            tracked.clean_up()
        finally:
            set_child_subreaper(False)


def test_the_shim_launches_the_tray_and_a_second_shim_reuses_it(
    launches: Launches, data_home: Path
) -> None:
    endpoint = data_home / "endpoint.json"
    assert shim.find_tray() is not None, "orderdesk-tray is not installed next to this Python"
    assert read_endpoint(endpoint) is None, "the data folder is not fresh"
    token = client_token(data_home, "Launcher")  # token-less sessions are refused by default

    first = launches.shim("--launch", token=token)
    info = first.session_info(REPLY_S)
    assert info["client"] == "Launcher" and info["scopes"] == ["read"], info
    served = read_endpoint(endpoint)
    assert served is not None, "the shim answered but no endpoint file names the server"
    tray = served.pid
    launches.trays.add(tray)
    assert children_of(first.pid) == [tray], "the tray serving the endpoint is not the shim's"
    assert is_tray(tray)
    code, err = first.finish()
    assert code == 0, err
    assert parent_of(tray) == os.getpid(), "the tray did not outlive its shim"

    second = launches.shim(token=token)  # no arguments: --launch is the default
    assert second.session_info(REPLY_S)["client"] == "Launcher"
    assert children_of(second.pid) == [], "the second shim started a process of its own"
    again = read_endpoint(endpoint)
    assert again is not None and again.pid == tray
    code, err = second.finish()
    assert code == 0, err

    os.kill(tray, signal.SIGTERM)
    assert wait_for_exit(tray, STOP_S) == 0
    assert not endpoint.exists()
    log = (data_home / "logs" / "orderdesk-tray.log").read_text(encoding="utf-8")
    assert log.count("MCP host serving") == 1 and "stopped in" in log, log[-2000:]
    assert "Traceback" not in log, log[-2000:]
