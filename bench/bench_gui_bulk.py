"""Benchmark: a bulk move of 200 orders through the order browser on a rate-limited store.

The sandbox Order Desk runs in its own process with the store's bucket enforced (20 tokens,
+3 a second, as Order Desk). The tray's engine, services and order browser run here, on a real
display (``xvfb-run``): the first ``--count`` rows are selected with a click and a Shift+click,
Ctrl+M opens the move dialog, Down and Enter start the job. Printed:

* wall time from Enter until the job's report, against the bucket's floor for every request
  Order Desk saw meanwhile (``(requests - tokens at the start) / 3`` seconds) and for the moves
  alone (``(moves - 20) / 3``, what a job that sent nothing else would need), and the ratios;
* the requests Order Desk saw meanwhile (moves and everything else, and any 429);
* the GUI thread's responsiveness from Enter to the report: a 10 ms timer's largest late tick
  (wall time, includes the OS scheduler's pauses on a busy machine) and the largest work the GUI
  thread itself did between two ticks (its CPU time, which a scheduler pause does not inflate;
  the latest ticks also show the whole process's CPU, to tell the engine's threads holding the
  GIL from the OS not running the process);
  and, apart, the GUI work of the move dialog (Ctrl+M, Down, Enter) before the job.

Exits non-zero when the ledger does not hold one applied row per order or the GUI thread's own
largest stall is 100 ms or more. Usage (also part (d) of ``bench/bench_gui.py``):
``xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python bench/bench_gui_bulk.py``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
STALL_TARGET_MS = 100.0
TICK_MS = 10
BUCKET, REFILL = 20, 3.0
SANDBOX = """
import sys
from app.sandbox import SandboxServer, SandboxStoreSpec
with SandboxServer([SandboxStoreSpec(orders=int(sys.argv[1]))], rate_limit=True) as server:
    print(server.base_url, flush=True)
    store = server.store()
    for line in sys.stdin:
        print(store.request_count(), store.request_count("POST", "/move-orders"),
              store.bucket.remaining(), flush=True)
"""


class Sandbox:
    """The rate-limited sandbox in its own process; :meth:`counts` asks it over stdin."""

    def __init__(self, orders: int) -> None:
        self.proc = subprocess.Popen([PY, "-c", SANDBOX, str(orders)], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError("the sandbox did not start")

    def counts(self) -> tuple[int, int, float]:
        """(requests so far, move requests so far, tokens left in the store's bucket)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("counts\n")
        self.proc.stdin.flush()
        total, moves, left = self.proc.stdout.readline().split()
        return int(total), int(moves), float(left)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class StallProbe:
    """A 10 ms Qt timer noting how late each tick came and the GUI thread's work in between."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.late_ms: list[float] = []
        self.work_ms: list[float] = []
        self.process_ms: list[float] = []
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._wall = self._cpu = self._process = 0.0

    def start(self) -> None:
        self.late_ms.clear()
        self.work_ms.clear()
        self.process_ms.clear()
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        self._process = time.process_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        wall, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        self.late_ms.append(max(0.0, (wall - self._wall) * 1000 - TICK_MS))
        self.work_ms.append((cpu - self._cpu) * 1000)
        self.process_ms.append((process - self._process) * 1000)
        self._wall, self._cpu, self._process = wall, cpu, process


def wait_in_qt(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the Qt (and qasync) loop until ``check`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, ticker = QEventLoop(), QTimer()
    ticker.timeout.connect(lambda: loop.quit() if check() else None)
    deadline = time.monotonic() + timeout
    ticker.start(20)
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        loop.exec()
    ticker.stop()


def pause_in_qt(seconds: float) -> None:
    """Keep the loop running for ``seconds`` (the buckets refill meanwhile)."""
    until = time.monotonic() + seconds
    wait_in_qt(lambda: time.monotonic() >= until, seconds + 5, "a pause")


def click_row(window: Any, row: int, shift: bool = False) -> None:
    """Click a table row as a person does (Shift held for a range)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.table.scrollTo(window.model.index(row, 1))
    centre = window.table.visualRect(window.model.index(row, 1)).center()
    held = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    QTest.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, held, centre)


def start_move_by_keys(window: Any) -> tuple[int, float]:
    """Ctrl+M in the table, Down to a folder, Enter; the folder and when Enter was pressed."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    wait_in_qt(lambda: window.bulk.dialog is not None and window.bulk.dialog.isVisible(), 10,
               "the move dialog")  # fmt: skip
    dialog = window.bulk.dialog
    QTest.keyClick(dialog.folder, Qt.Key.Key_Down)
    folder = int(dialog.folder.currentData())
    started = time.perf_counter()
    QTest.keyClick(dialog.folder, Qt.Key.Key_Return)
    return folder, started


def open_browser(home: Path, url: str, count: int) -> tuple[Any, Any, Any, Any]:
    """The runtime, the Qt loop, the bridge and the browser on the synced sandbox store."""
    os.environ.update({"ORDERDESK_TRAY_HOME": str(home),
                       "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
                       "ORDERDESK_TRAY_VAULT_PASSPHRASE": "bench-gui-bulk"})  # fmt: skip
    from app.gui.application import create_qt_app, install_loop
    from app.gui.bridge import HubBridge
    from app.gui.orders.window import OrdersWindow
    from app.runtime import Runtime, open_storage
    from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID

    open_storage()
    runtime = Runtime.start()
    engine, services = runtime.engine, runtime.services
    store = engine.call(services.stores.register("Bench Store", DEMO_STORE_ID, DEMO_API_KEY,
                                                 url, is_demo=True))  # fmt: skip
    engine.call(services.index.sync(engine.call(services.index_handle(store))))
    app = create_qt_app()
    loop = install_loop(app)
    bridge = HubBridge(engine.hub)
    window = OrdersWindow(runtime.gui_context(), bridge)
    window.show()
    window.raise_()
    window.activateWindow()
    wait_in_qt(lambda: window.source.uses_index(store.key) and window.model.rowCount() >= count
               and not window.busy and window.isActiveWindow(), 120, "the browser")  # fmt: skip
    return runtime, loop, bridge, window


def bench_bulk_move(orders: int, count: int) -> tuple[float, float]:
    """Run the bulk move; print the numbers; return (wall / floor, GUI work stall in ms)."""
    home = Path(tempfile.mkdtemp(prefix="bench-gui-bulk-"))
    sandbox = Sandbox(orders)
    runtime = None
    try:
        runtime, loop, bridge, window = open_browser(home, sandbox.url, count)
        click_row(window, 0)
        click_row(window, count - 1, shift=True)
        wait_in_qt(lambda: len(window.selected_ids()) == count, 10, "the selection")
        ids = window.selected_ids()
        pause_in_qt(BUCKET / REFILL + 2)  # both buckets full again after the index sync
        before, moves_before, tokens = sandbox.counts()
        probe = StallProbe()
        probe.start()
        folder, started = start_move_by_keys(window)
        opening = len(probe.work_ms)  # ticks before Enter: Ctrl+M opened the dialog
        wait_in_qt(lambda: window.bulk.last_report is not None, 60 + 3 * count, "the job")
        wall = time.perf_counter() - started
        probe.stop()
        after, moves_after, _ = sandbox.counts()
        report, batch = window.bulk.last_report, window.bulk.last_batch
        services = runtime.services
        rows = runtime.engine.call(services.audit.query(batch=batch, limit=500)).entries
        window.shutdown()
        window.close()
        bridge.close()
        loop.close()
    finally:
        if runtime is not None:
            runtime.close()
        sandbox.close()
        shutil.rmtree(home, ignore_errors=True)
    requests, moves = after - before, moves_after - moves_before
    floor = max(0.0, requests - tokens) / REFILL
    moves_floor = max(0.0, moves - BUCKET) / REFILL
    ok_rows = len(rows) == count and all(row.ok for row in rows)
    if not (ok_rows and report.done == ids):
        raise RuntimeError(f"ledger rows {len(rows)} / done {len(report.done)} of {count}")
    dialog_ms = max(probe.work_ms[: opening + 1])  # the first tick after Enter holds it too
    late, work = probe.late_ms[opening + 1 :], probe.work_ms[opening + 1 :]
    process = probe.process_ms[opening + 1 :]
    print(
        f"(d) bulk move of {count} orders to folder {folder} through the browser (rate-limited "
        f"store, {orders:,} orders): {wall:.1f} s; bucket floor {floor:.1f} s for the "
        f"{requests} requests Order Desk saw ({moves} moves, {requests - moves} others; "
        f"{tokens:.0f} tokens at the start) -> ratio {wall / floor if floor else float('nan'):.2f}"
        f"; floor of the {moves} moves alone {moves_floor:.1f} s -> ratio "
        f"{wall / moves_floor if moves_floor else float('nan'):.2f}"
    )
    print(
        f"    GUI thread from Enter to the report ({len(late)} ticks of {TICK_MS} ms): own work "
        f"between ticks max {max(work):.1f} ms (p99 {_p99(work):.1f}); tick lateness (wall, "
        f"includes OS scheduling) max {max(late):.1f} ms (p99 {_p99(late):.1f}, median "
        f"{statistics.median(late):.1f})  target < {STALL_TARGET_MS:.0f} ms"
    )
    print(
        f"    before the job: the move dialog (Ctrl+M, Down, Enter) took {dialog_ms:.1f} ms of GUI "
        f"work at most between ticks; "
        f"ledger: {len(rows)} applied rows, batch {batch}"
    )
    worst = sorted(zip(late, work, process, strict=True), reverse=True)[:3]
    print("    latest ticks (wall late / GUI thread CPU / whole process CPU, ms; a late tick with "
          "little CPU is the OS scheduler, one with process CPU is other threads): "
          + ", ".join(f"{w:.0f} / {c:.1f} / {p:.1f}" for w, c, p in worst))  # fmt: skip
    return wall / floor if floor else float("nan"), max(work)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("needs an X display: xvfb-run -a python bench/bench_gui_bulk.py", file=sys.stderr)
        return 2
    from app.core.db import close_db

    try:
        _, stall = bench_bulk_move(args.orders, args.count)
    finally:
        close_db()
    return 0 if stall < STALL_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
