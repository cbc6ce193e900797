"""End-to-end fixtures: a real tray host (trayer) on the X display. The thread-leak check and
the qasync loop come from tests/conftest.py.

The tray host needs an X display (CI: ``xvfb-run``) and the ``trayer`` program (Debian package
``trayer``); a test that asks for it is skipped with the reason when either is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import pytest

TRAY_WAIT_MS = 10000
TRAYER_STOP_S = 5.0


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
