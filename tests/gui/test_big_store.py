"""A store with 100,000 orders: the browser pages it in and the GUI thread never stalls."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QTimer

from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.orders.table_model import PAGE_SIZE
from app.gui.orders.window import OrdersWindow
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec

pytestmark = [pytest.mark.gui, pytest.mark.slow]
ORDERS = 100_000
PAGES = 5
# The GUI thread's own work between two 10 ms ticks (what our code controls), and the wall gap
# (which also holds the scheduler's pauses on a loaded machine, hence the looser bound).
MAX_WORK_S = 0.25
MAX_GAP_S = 2.0


@pytest.fixture
def big_store(ctx: GuiContext) -> Iterator[Any]:
    with SandboxServer([SandboxStoreSpec(orders=ORDERS)], rate_limit=False) as server:
        yield ctx.engine.call(
            ctx.services.stores.register(
                "Big", DEMO_STORE_ID, DEMO_API_KEY, server.base_url, is_demo=True
            )
        )


def test_paging_100k_orders_keeps_the_gui_responsive(
    qtbot: Any, ctx: GuiContext, big_store: Any
) -> None:
    ticks: list[tuple[float, float]] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: ticks.append((time.monotonic(), time.thread_time())))
    heartbeat.start(10)
    bridge = HubBridge(ctx.engine.hub)
    window = OrdersWindow(ctx, bridge)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.total == ORDERS, timeout=20000)
        for page in range(2, PAGES + 1):
            window.table.scrollToBottom()
            qtbot.waitUntil(lambda n=page: window.model.rowCount() == n * PAGE_SIZE, timeout=20000)
        qtbot.waitUntil(lambda: not window.busy, timeout=20000)
    finally:
        heartbeat.stop()
        window.shutdown()
        window.close()
        window.deleteLater()
        bridge.close()
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(ticks)]
    work = [later[1] - earlier[1] for earlier, later in itertools.pairwise(ticks)]
    assert window.model.rowCount() == PAGES * PAGE_SIZE  # only what was scrolled to
    assert max(work) < MAX_WORK_S, f"the GUI thread worked {max(work):.2f} s without a break"
    assert max(gaps) < MAX_GAP_S, f"the GUI thread stalled for {max(gaps):.2f} s"
