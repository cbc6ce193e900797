"""The whole tray under a real tray host: an AI client's move through the shim shows up in the
open order browser, and the tray's Quit stops the MCP endpoint and the engine.

Runs on an X display (CI: ``xvfb-run``) with ``trayer`` as the system tray. The tray app, its
engine, the demo sandbox and the MCP host run in this process exactly as ``python -m app --demo``
wires them; the AI client is the real stdlib shim (``python -m app.cli --no-launch``) in a
subprocess, spoken to in JSON-RPC lines.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import tray_host_missing
from tests.processes import initialize_request

_MISSING = tray_host_missing()
pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(_MISSING is not None, reason=str(_MISSING)),
    pytest.mark.usefixtures("no_leftover_threads"),
]

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 30000
REPLY_S = 20.0
QUIT_BUDGET_S = 2.0
CLIENT = "E2E Client"
INIT = initialize_request("tray-e2e")


class ShimClient:
    """The shim as a subprocess, with JSON-RPC lines in and out (reads have a deadline)."""

    def __init__(self, home: Path, token: str) -> None:
        env = dict(os.environ, ORDERDESK_TRAY_HOME=str(home), ORDERDESK_TRAY_TOKEN=token)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "--no-launch"],
            cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self._buffer = b""

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def reply(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + REPLY_S
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "the shim sent no reply in time"
            readable, _, _ = select.select([fd], [], [], left)
            if readable:
                chunk = os.read(fd, 1 << 16)
                assert chunk, f"the shim closed stdout: {self.stderr()}"
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def stderr(self) -> str:
        if self.proc.poll() is None or self.proc.stderr is None:
            return ""
        return self.proc.stderr.read().decode(errors="replace")

    def close(self) -> int:
        """Close stdin (the client ends the session) and return the exit code."""
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            return self.proc.wait(10)
        finally:
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def runtime(data_home: Path, test_keyring: Any) -> Iterator[Any]:
    """The tray's Runtime as ``python -m app --demo`` builds it: storage, engine, demo store."""
    from app.core.db import close_db
    from app.core.logs import teardown_logging
    from app.runtime import Runtime, open_storage

    open_storage()
    started = Runtime.start()
    try:
        started.engine.call(started.add_demo())
        yield started
    finally:
        started.close()  # a no-op when the test already quit
        close_db()
        teardown_logging()


@pytest.fixture
def tray_app(tray_host: Any, gui_loop: Any, runtime: Any, qtbot: Any) -> Iterator[Any]:
    """The tray on the real tray host, then the MCP host and index syncs (as in run_gui)."""
    from app.gui.application import TrayApplication, create_qt_app

    create_qt_app()
    running = TrayApplication(runtime.gui_context())
    running.start()
    runtime.start_background()
    try:
        yield running
    finally:
        running.close()


def folder_count(label: str) -> int:
    """The number in a folder list label such as ``New (1,234)``."""
    found = re.search(r"\(([\d,]+)\)$", label)
    assert found, f"no count in {label!r}"
    return int(found.group(1).replace(",", ""))


FOLDER_COLUMN = 3
"""The Folder column of the order table (checked against the model's COLUMNS below)."""


def browser_ready(window: Any) -> bool:
    """The browser reads the local index, its page is loaded and the folders are counted."""
    key = window.store_key
    if key is None or not window.source.uses_index(key) or window.indexing.syncing:
        return False
    if window.model.is_loading or not window.model.rowCount():
        return False
    return all("(" in label for label in window.folder_counts().values())


def call_move(home: Path, token: str, order_id: str, folder_name: str) -> dict[str, Any]:
    """Initialize a session through the shim and call ``orders_move``; return the tool result."""
    shim = ShimClient(home, token)
    try:
        shim.send(INIT)
        init = shim.reply()
        assert init["id"] == 1 and "serverInfo" in init["result"], init
        shim.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        arguments = {"order_ids": [order_id], "folder_name": folder_name}
        call = {"name": "orders_move", "arguments": arguments}
        shim.send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call})
        answer = shim.reply()
        assert answer["id"] == 2, answer
        assert shim.close() == 0, shim.stderr()
    finally:
        shim.kill()
    result: dict[str, Any] = answer["result"]
    return result


def test_an_ai_move_through_the_shim_shows_in_the_open_browser(
    qtbot: Any, tray_app: Any, runtime: Any, data_home: Path
) -> None:
    from app.core import paths
    from app.gui.orders.table_model import COLUMNS

    assert COLUMNS[FOLDER_COLUMN][0] == "folder"
    tray = tray_app.tray
    assert tray is not None, "Qt found no system tray although trayer runs"
    qtbot.waitUntil(lambda: tray.icon.isVisible() and not tray.icon.geometry().isEmpty())
    endpoint = paths.endpoint_file()
    assert endpoint.parent == data_home
    qtbot.waitUntil(lambda: runtime.host is not None and endpoint.exists(), timeout=WAIT_MS)

    window = tray_app.show_orders()
    qtbot.waitUntil(lambda: browser_ready(window), timeout=WAIT_MS)
    window.select_row(0)
    row = window.model.row_at(0)
    qtbot.waitUntil(lambda: window.detail.order is not None and window.detail.order.id == row.id)
    source = row.folder_id
    target, target_name = next((i, n) for i, n in sorted(window.folders.items()) if i != source)
    before = {key: folder_count(label) for key, label in window.folder_counts().items()}

    _, token = runtime.services.clients.registry.add(CLIENT, "move", policy="allow")
    result = call_move(data_home, token, row.id, target_name)
    assert result["isError"] is False, result
    moved = result["structuredContent"]["moved"]
    assert moved == [{"order_id": row.id, "previous_folder_id": source, "folder_id": target}]

    def shown_moved() -> bool:
        number = window.model.find(row.id)
        shown = None if number is None else window.model.row_at(number)
        detail = window.detail.order
        return (
            shown is not None
            and shown.folder_id == target
            and window.model.index(number, FOLDER_COLUMN).data() == target_name
            and detail is not None
            and detail.id == row.id
            and detail.folder_id == target
        )

    qtbot.waitUntil(shown_moved, timeout=WAIT_MS)
    expected = dict(before)
    expected[source] -= 1
    expected[target] += 1

    def counted() -> dict[Any, int]:
        return {key: folder_count(label) for key, label in window.folder_counts().items()}

    qtbot.waitUntil(lambda: counted() == expected, timeout=WAIT_MS)

    asked = time.monotonic()
    tray_app.quit()
    runtime.close()
    assert time.monotonic() - asked < QUIT_BUDGET_S
    assert not runtime.engine.running
    assert not endpoint.exists()


class RecordingTray:
    """Records the TrayApplication that ``app.__main__.run_gui`` builds."""

    def __init__(self) -> None:
        self.apps: list[Any] = []

    def factory(self) -> Any:
        from app.gui.application import TrayApplication

        recorder = self

        class Recorded(TrayApplication):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                recorder.apps.append(self)

        return Recorded


@pytest.fixture
def restored_process_hooks(qapp: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Put back what ``app.__main__.main`` installs process-wide: hooks, signal handlers and
    their wake-up timer on the QApplication, logging."""
    from PySide6.QtCore import QTimer

    from app.core.logs import teardown_logging

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for timer in qapp.findChildren(QTimer, "signal-wake"):
            timer.stop()
            timer.deleteLater()
        teardown_logging()


def test_the_trays_quit_stops_the_endpoint_and_the_engine(
    qtbot: Any,
    tray_host: Any,
    test_keyring: Any,
    data_home: Path,
    restored_process_hooks: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    import app.gui.application as application
    from app.__main__ import main

    recorder = RecordingTray()
    monkeypatch.setattr(application, "TrayApplication", recorder.factory())
    endpoint = data_home / "endpoint.json"
    asked: list[float] = []
    give_up = time.monotonic() + WAIT_MS / 1000

    def serving_and_idle(tray_app: Any) -> bool:
        browser = tray_app.window("orders")  # --demo opens it at start
        idle = browser is not None and not browser.busy
        return idle and tray_app.tray.icon.isVisible() and endpoint.exists()

    def quit_when_serving() -> None:
        tray = recorder.apps[0].tray if recorder.apps else None
        if asked:
            return
        if tray is None or not serving_and_idle(recorder.apps[0]):
            if time.monotonic() > give_up:  # never served: leave the loop, the asserts say why
                QApplication.quit()
            return
        tray.menu.aboutToShow.emit()
        quit_action = next(a for a in tray.menu.actions() if a.text() == "Quit")
        asked.append(time.monotonic())
        quit_action.trigger()

    poll = QTimer()
    poll.timeout.connect(quit_when_serving)
    poll.start(20)
    try:
        code = main(["--demo"])
    finally:
        poll.stop()
    stopped = time.monotonic()
    assert code == 0
    assert asked, "the tray never served: no Quit was triggered"
    assert stopped - asked[0] < QUIT_BUDGET_S
    assert not endpoint.exists()
    assert not [t.name for t in threading.enumerate() if t.name == "orderdesk-engine"]
    log = (data_home / "logs" / "orderdesk-tray.log").read_text(encoding="utf-8")
    assert "MCP host serving" in log and "stopped in" in log and "Traceback" not in log
