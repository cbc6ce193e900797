"""End-to-end fixtures: a real tray host (trayer) on the X display, a thread-leak check and a
qasync loop on the test QApplication.

The tray host needs an X display (CI: ``xvfb-run``) and the ``trayer`` program (Debian package
``trayer``); a test that asks for it is skipped with the reason when either is missing.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

TRAY_WAIT_MS = 10000
TRAYER_STOP_S = 5.0
TASKS_STOP_S = 2.0


def tray_host_missing() -> str | None:
    """Why no tray host can run here, or None when it can."""
    if not os.environ.get("DISPLAY"):
        return (
            "needs an X display and DISPLAY is unset: run under xvfb-run (note that "
            ".ci/keyring-session.sh unsets DISPLAY for the command it runs)"
        )
    if shutil.which("trayer") is None:
        return "needs the trayer tray host (apt-get install trayer)"
    return None


@pytest.fixture
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a thread (engine, sandbox, worker) running behind it."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    while True:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.01)  # polling with a deadline: threads end on their own schedule
    assert not left, f"threads left running: {[t.name for t in left]}"


@pytest.fixture
def tray_host(request: pytest.FixtureRequest) -> Iterator[subprocess.Popen[bytes]]:
    """``trayer`` running on ``$DISPLAY`` until Qt sees a system tray; terminated afterwards.

    Skips before the QApplication exists when there is no display or no trayer (a QApplication
    on the xcb platform without a display would abort the whole test process).
    """
    reason = tray_host_missing()
    if reason is not None:
        pytest.skip(reason)
    qtbot = request.getfixturevalue("qtbot")
    from PySide6.QtWidgets import QSystemTrayIcon

    host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        qtbot.waitUntil(QSystemTrayIcon.isSystemTrayAvailable, timeout=TRAY_WAIT_MS)
        yield host
        assert host.poll() is None, "trayer exited during the test"
    finally:
        host.terminate()
        try:
            host.wait(TRAYER_STOP_S)
        except subprocess.TimeoutExpired:
            host.kill()
            host.wait()
        if host.stderr is not None:
            host.stderr.close()


@pytest.fixture
def gui_loop(qapp: Any) -> Iterator[Any]:
    """A qasync loop on the test app, current for the test; Qt events drive it."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        deadline = time.monotonic() + TASKS_STOP_S
        while asyncio.all_tasks(loop) and time.monotonic() < deadline:
            qapp.processEvents()  # cancelled tasks finish on the loop's next turns
        left = asyncio.all_tasks(loop)
        loop.close()
        assert not left, f"tasks still pending after cancel: {left}"
        asyncio.set_event_loop(None)
