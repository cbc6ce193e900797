"""Benchmark: the tray app's cold start, its idle memory and the order browser's search latency.

Needs an X display (``xvfb-run -a``) and ``trayer`` (started here as the system tray). Prints:

* cold start to tray icon: ``python -m app --demo`` on a fresh data folder, from spawn until the
  log says ``tray up`` (logged right after the tray icon is shown); median of ``--runs``
  (target < 2 s);
* idle RSS of the tray with the order browser open on a ``--orders`` store: the sandbox runs in
  its own process (``python -m app.sandbox``, demo store id and key, no rate limit), the
  store is registered with ``orderdesk-mcp stores add --api-url``, the browser is opened by a
  second launch (single instance), and VmRSS is read once the local index is synced and the
  process has settled (target < 250 MB);
* search latency in the browser, in this process (offscreen Qt) over the same store with its
  index synced: from Enter in the search box until the table holds the matching rows; median
  of ``--queries`` queries (target < 100 ms; the 300 ms typing pause is by design and excluded).

* (d) a bulk move of 200 orders through the browser on a rate-limited store: wall time against
  the token bucket's floor, and the GUI thread's largest stall during the job (target < 100 ms);
  run by ``bench/bench_gui_bulk.py`` in its own process (see there).

Exits non-zero when a number misses its target. Usage:
``xvfb-run -a .venv/bin/python bench/bench_gui.py [--runs 5] [--orders 100000] [--queries 20]
[--only bulk]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
STORE_NAME = "Bench Store"
START_TARGET_S, RSS_TARGET_MB, SEARCH_TARGET_MS = 2.0, 250.0, 100.0
TRAY_UP = re.compile(r"tray up (\d+) ms after start")
ORDERS_TITLE = "Orders — "


def app_env(home: Path) -> dict[str, str]:
    """The app's environment: its own data folder, no keychain, a vault passphrase."""
    env = dict(os.environ)
    for name in ("ORDERDESK_TRAY_TOKEN", "ORDERDESK_API_URL"):
        env.pop(name, None)
    env["ORDERDESK_TRAY_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    env["ORDERDESK_TRAY_VAULT_PASSPHRASE"] = "bench-gui-passphrase"
    return env


def spawn_app(home: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start ``python -m app ARGS`` on the data folder ``home`` (output discarded)."""
    quiet = subprocess.DEVNULL
    command = [PY, "-m", "app", *args]
    return subprocess.Popen(command, cwd=ROOT, env=app_env(home), stdout=quiet, stderr=quiet)


def run_cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run ``orderdesk-mcp ARGS`` on the data folder ``home``."""
    command = [PY, "-m", "app.cli", *args]
    return subprocess.run(command, cwd=ROOT, env=app_env(home), input=stdin, text=True,
                          capture_output=True, check=False)  # fmt: skip


def enable_index(home: Path) -> None:
    """Keep a local index for real stores: the bench store is added through the CLI, so it is
    not the demo store (which always keeps one)."""
    code = (
        "from app.runtime import open_storage; from app.core import settings; open_storage(); "
        "settings.set_value('index.enabled_for_real_stores', True)"
    )
    subprocess.run([PY, "-c", code], cwd=ROOT, env=app_env(home), check=True)


def wait_for(check: Callable[[], bool], timeout: float, what: str, poll: float = 0.002) -> None:
    """Poll ``check`` until it is true; raise with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(poll)


def log_text(home: Path) -> str:
    path = home / "logs" / "orderdesk-tray.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def stop(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM (the tray quits cleanly on it), then kill if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_tray_host() -> subprocess.Popen[bytes]:
    """Start trayer and wait until Qt (in a helper process) sees a system tray."""
    host = subprocess.Popen(
        ["trayer", "--edge", "top", "--align", "right"], stderr=subprocess.DEVNULL
    )
    probe = (
        "import time,sys\nfrom PySide6.QtWidgets import QApplication, QSystemTrayIcon\n"
        "app = QApplication([])\nend = time.monotonic() + 10\n"
        "while not QSystemTrayIcon.isSystemTrayAvailable() and time.monotonic() < end:\n"
        "    app.processEvents(); time.sleep(0.02)\n"
        "sys.exit(0 if QSystemTrayIcon.isSystemTrayAvailable() else 1)\n"
    )
    if subprocess.run([PY, "-c", probe], check=False).returncode != 0:
        stop(host)
        raise RuntimeError("trayer started but Qt sees no system tray")
    return host


# -- (a) cold start -------------------------------------------------------------------------


def cold_start_once() -> tuple[float, float]:
    """Seconds from spawn to the ``tray up`` log line, and the app's own in-process figure."""
    home = Path(tempfile.mkdtemp(prefix="bench-gui-start-"))
    started = time.perf_counter()
    proc = spawn_app(home, "--demo")
    try:
        wait_for(lambda: "tray up" in log_text(home) or proc.poll() is not None, 60, "tray up")
        elapsed = time.perf_counter() - started
        text = log_text(home)
        if "no system tray available" in text:
            raise RuntimeError("the tray found no system tray (is trayer running?)")
        found = TRAY_UP.search(text)
        if found is None:
            raise RuntimeError(f"the tray exited ({proc.returncode}) before its icon was up")
        return elapsed, int(found.group(1)) / 1000
    finally:
        stop(proc)
        shutil.rmtree(home, ignore_errors=True)


def bench_cold_start(runs: int) -> float:
    spawn, inner = zip(*(cold_start_once() for _ in range(runs)), strict=True)
    median = statistics.median(spawn)
    print(
        f"(a) cold start to tray icon: median {median:.2f} s of {runs} "
        f"(min {min(spawn):.2f}, max {max(spawn):.2f}; "
        f"in-process part {statistics.median(inner):.2f} s)"
        f"  target < {START_TARGET_S:.0f} s"
    )
    return median


# -- (b) idle RSS ---------------------------------------------------------------------------


def start_sandbox(orders: int) -> tuple[subprocess.Popen[str], str]:
    """The sandbox Order Desk in its own process (demo store id and key, no rate limit)."""
    proc = subprocess.Popen(
        [PY, "-m", "app.sandbox", "--orders", str(orders), "--port", "0", "--no-rate-limit"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        stop(proc)
        raise RuntimeError("the sandbox did not start")
    return proc, url


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def index_orders(home: Path) -> int:
    """Orders in the bench store's local index (``orderdesk-mcp index status --json``)."""
    done = run_cli(home, "index", "status", STORE_NAME, "--json")
    if done.returncode != 0:
        return 0
    rows = json.loads(done.stdout)
    rows = rows if isinstance(rows, list) else [rows]
    return sum(int(r.get("orders", 0)) for r in rows if r.get("state") == "ready")


def browser_open() -> bool:
    tree = subprocess.run(
        ["xwininfo", "-root", "-tree"], capture_output=True, text=True, check=False
    )
    return ORDERS_TITLE in tree.stdout


def settled_rss(pid: int, window: float = 5.0, limit: float = 120.0) -> float:
    """VmRSS once it moved less than 1 MB over ``window`` seconds."""
    deadline = time.monotonic() + limit
    last = rss_mb(pid)
    while time.monotonic() < deadline:
        time.sleep(window)
        now = rss_mb(pid)
        if abs(now - last) < 1.0:
            return now
        last = now
    return last


def bench_idle_rss(url: str, orders: int) -> float:
    home = Path(tempfile.mkdtemp(prefix="bench-gui-rss-"))
    added = run_cli(home, "stores", "add", STORE_NAME, "--store-id", DEMO_STORE_ID,
                    "--api-url", url, stdin=DEMO_API_KEY + "\n")  # fmt: skip
    if added.returncode != 0:
        raise RuntimeError(f"stores add failed: {added.stderr}")
    enable_index(home)
    tray = spawn_app(home)
    try:
        wait_for(lambda: "tray up" in log_text(home), 60, "tray up", poll=0.05)
        second = spawn_app(home)  # the single instance: asks the first to show its window
        if second.wait(30) != 0:
            raise RuntimeError("the second launch failed")
        wait_for(browser_open, 30, "the order browser window", poll=0.2)
        opened = time.monotonic()
        wait_for(lambda: index_orders(home) >= orders, 600, "the index sync", poll=2.0)
        synced = time.monotonic() - opened
        idle = settled_rss(tray.pid)
        peak = rss_mb(tray.pid, "VmHWM")
        if not browser_open():
            raise RuntimeError("the order browser closed during the measurement")
    finally:
        stop(tray)
        shutil.rmtree(home, ignore_errors=True)
    print(
        f"(b) idle RSS, tray + order browser on {orders:,} orders (local index synced, "
        f"{synced:.0f} s after the browser opened): {idle:.0f} MB (peak {peak:.0f} MB)"
        f"  target < {RSS_TARGET_MB:.0f} MB"
    )
    return idle


# -- (c) search latency ---------------------------------------------------------------------


def pick_queries(rows: list[Any], count: int) -> list[str]:
    """Last names, e-mails and order numbers of shown orders, mixed, distinct."""
    kinds = [
        [r.customer.split()[-1] for r in rows if r.customer],
        [r.email for r in rows if r.email],
        [r.source_id for r in rows if r.source_id],
    ]
    picked: list[str] = []
    for position in range(len(rows)):
        for kind in kinds:
            if position < len(kind) and kind[position] not in picked:
                picked.append(kind[position])
        if len(picked) >= count:
            break
    return picked[:count]


def wait_in_qt(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Run the Qt (and qasync) loop until ``check`` holds, without spinning the CPU."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, ticker = QEventLoop(), QTimer()
    ticker.timeout.connect(lambda: loop.quit() if check() else None)
    deadline = time.monotonic() + timeout
    ticker.start(1)
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        loop.exec()
    ticker.stop()


def time_query(window: Any, text: str) -> float:
    """Milliseconds from Enter in the search box until the model holds the matching rows."""
    from PySide6.QtCore import QEventLoop, QTimer

    model, done, guard = window.model, QEventLoop(), QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(done.quit)

    def shown() -> bool:
        return model.query.text == text and not model.is_loading and model.total is not None

    def arrived(*_: object) -> None:
        if shown():
            done.quit()

    window.filter_bar.search.setText(text)
    model.loaded.connect(arrived)
    started = time.perf_counter()
    window.filter_bar.apply_now()
    guard.start(10_000)
    while not shown():
        done.exec()
        if not guard.isActive() and not shown():
            raise RuntimeError(f"query {text!r} got no rows within 10 s")
    guard.stop()
    elapsed = (time.perf_counter() - started) * 1000
    model.loaded.disconnect(arrived)
    if model.rowCount() == 0:
        raise RuntimeError(f"query {text!r} found nothing")
    return elapsed


def bench_search(url: str, orders: int, count: int) -> float:
    home = Path(tempfile.mkdtemp(prefix="bench-gui-search-"))
    os.environ.update(app_env(home))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from app.core.db import close_db
    from app.gui.application import create_qt_app, install_loop
    from app.gui.bridge import HubBridge
    from app.gui.orders.window import OrdersWindow
    from app.runtime import Runtime, open_storage

    open_storage()
    runtime = Runtime.start()
    try:
        services, engine = runtime.services, runtime.engine
        register = services.stores.register(
            STORE_NAME, DEMO_STORE_ID, DEMO_API_KEY, url, is_demo=True
        )
        store = engine.call(register)
        started = time.perf_counter()
        engine.call(services.index.sync(engine.call(services.index_handle(store))))
        sync_s = time.perf_counter() - started
        app = create_qt_app()
        loop = install_loop(app)
        bridge = HubBridge(engine.hub)
        window = OrdersWindow(runtime.gui_context(), bridge)
        window.show()
        wait_in_qt(
            lambda: (
                window.source.uses_index(store.key)
                and window.model.rowCount() > 0
                and not window.model.is_loading
            ),
            60,
            "the browser on the index",
        )
        queries = pick_queries(window.model.rows(), count)
        samples = [time_query(window, text) for text in queries]
        window.shutdown()
        window.close()
        bridge.close()
        loop.close()
    finally:
        runtime.close()
        close_db()
        shutil.rmtree(home, ignore_errors=True)
    median = statistics.median(samples)
    print(
        f"(c) search in the browser over {orders:,} indexed orders: median {median:.1f} ms of "
        f"{len(samples)} queries (max {max(samples):.1f} ms; index sync took {sync_s:.1f} s)"
        f"  target < {SEARCH_TARGET_MS:.0f} ms"
    )
    return median


# -- (d) bulk move --------------------------------------------------------------------------


def bench_bulk() -> int:
    """Part (d) in its own process (a fresh QApplication on the display); its exit code."""
    script = ROOT / "bench" / "bench_gui_bulk.py"
    return subprocess.run([PY, str(script)], cwd=ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--only", choices=("bulk",), help="run one part only")
    args = parser.parse_args()
    if args.only == "bulk":
        return bench_bulk()
    if not os.environ.get("DISPLAY") or shutil.which("trayer") is None:
        print(
            "needs an X display and trayer: xvfb-run -a python bench/bench_gui.py", file=sys.stderr
        )
        return 2
    host = start_tray_host()
    sandbox = None
    try:
        start = bench_cold_start(args.runs)
        sandbox, url = start_sandbox(args.orders)
        idle = bench_idle_rss(url, args.orders)
        search = bench_search(url, args.orders, args.queries)
        bulk_ok = bench_bulk() == 0
    finally:
        if sandbox is not None:
            stop(sandbox)
        stop(host)
    missed = [
        name
        for name, value, target in (
            ("cold start", start, START_TARGET_S),
            ("idle RSS", idle, RSS_TARGET_MB),
            ("search", search, SEARCH_TARGET_MS),
        )
        if value >= target
    ] + ([] if bulk_ok else ["bulk move stall"])
    print("all targets met" if not missed else f"missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
