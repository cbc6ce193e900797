"""The first sync of a big store in the order browser, and a store whose key was refused.

The sandbox holds the first sync's walk after its first page (a gate on the walk's requests),
so the browser is looked at while the index is half built, deterministically.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.orders.window import OrdersWindow
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec
from app.sandbox.faults import Fault

pytestmark = pytest.mark.gui
WAIT = 30000
BIG = 6000
"""More than a small store: reads do not wait for its first sync."""


class WalkGate:
    """Holds the index walk's requests after its first page until :meth:`open` is called."""

    def __init__(self, server: SandboxServer) -> None:
        self.opened = threading.Event()
        self.held = threading.Event()
        dispatcher = server._dispatcher
        handle = dispatcher.handle

        def gated(method: str, target: str, *args: Any) -> Any:
            if "order_by=date_updated" in target and "modified_start_date" in target:
                self.held.set()
                self.opened.wait(WAIT / 1000)
            return handle(method, target, *args)

        dispatcher.handle = gated  # type: ignore[method-assign]

    def open(self) -> None:
        """Let the walk go on."""
        self.opened.set()


@pytest.fixture
def big_sandbox() -> Iterator[tuple[SandboxServer, WalkGate]]:
    server = SandboxServer([SandboxStoreSpec(orders=BIG)], rate_limit=False)
    gate = WalkGate(server)
    try:
        with server:
            yield server, gate
    finally:
        gate.open()


@pytest.fixture
def browser(qtbot: Any, ctx: GuiContext) -> Iterator[OrdersWindow]:
    bridge = HubBridge(ctx.engine.hub)
    shown = OrdersWindow(ctx, bridge)
    shown.show()
    yield shown
    qtbot.waitUntil(lambda: not shown.busy, timeout=WAIT)
    shown.shutdown()
    shown.close()
    shown.deleteLater()
    bridge.close()


def register(ctx: GuiContext, name: str, server: SandboxServer) -> Any:
    register = ctx.services.stores.register
    return ctx.engine.call(
        register(name, DEMO_STORE_ID, DEMO_API_KEY, server.base_url, is_demo=True)
    )


def test_first_sync_shows_progress_newest_first_and_refreshes_itself(
    qtbot: Any, ctx: GuiContext, big_sandbox: tuple[SandboxServer, WalkGate],
    browser: OrdersWindow,
) -> None:  # fmt: skip
    server, gate = big_sandbox
    register(ctx, "Big", server)
    qtbot.waitUntil(gate.held.is_set, timeout=WAIT)  # the walk read its first page and waits
    status = browser.status
    qtbot.waitUntil(lambda: status.progress.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: status.progress.maximum() == BIG, timeout=WAIT)
    assert status.progress.value() == 500
    assert "500 of 6,000" in status.index_label.text()
    # Meanwhile the list reads Order Desk live, newest first, and says so.
    qtbot.waitUntil(lambda: browser.model.total == BIG, timeout=WAIT)
    assert "Order Desk" in browser.count_label.text()
    newest = max(row.added for row in server.store().rows.values())
    top = browser.model.row_at(0)
    assert top is not None and top.date_added is not None
    assert int(top.date_added.timestamp()) == newest
    gate.open()
    # When the sync finishes, the list switches to the index by itself (no F5).
    qtbot.waitUntil(lambda: "local index" in browser.count_label.text(), timeout=WAIT * 2)
    assert not status.progress.isVisible()
    assert status.index_label.text() == f"Search index ready ({BIG:,} orders)"
    assert browser.model.total == BIG
    qtbot.waitUntil(lambda: browser.message.text().startswith("The index is built"),
                    timeout=WAIT)  # fmt: skip


def test_each_store_shows_its_own_index_state(
    qtbot: Any, ctx: GuiContext, store: Any, browser: OrdersWindow
) -> None:
    label = browser.status.index_label
    qtbot.waitUntil(lambda: label.text() == "Search index ready (450 orders)", timeout=WAIT)
    with SandboxServer([SandboxStoreSpec(orders=20)], rate_limit=False) as other:
        register_plain = ctx.services.stores.register
        ctx.engine.call(register_plain("Plain", DEMO_STORE_ID, DEMO_API_KEY, other.base_url))
        qtbot.waitUntil(lambda: browser.store_box.count() == 2, timeout=WAIT)
        browser.store_box.setCurrentIndex(browser.store_box.findText("Plain"))
        qtbot.waitUntil(lambda: "reads Order Desk live" in label.text(), timeout=WAIT)
        assert "450" not in label.text() and "450" not in browser.message.text()
        qtbot.waitUntil(lambda: browser.model.total == 20, timeout=WAIT)
        browser.store_box.setCurrentIndex(browser.store_box.findText("Sandbox"))
        qtbot.waitUntil(lambda: label.text() == "Search index ready (450 orders)", timeout=WAIT)
        qtbot.waitUntil(lambda: not browser.busy, timeout=WAIT)


def test_folders_come_back_after_the_key_is_fixed(
    qtbot: Any, ctx: GuiContext, sandbox: SandboxServer
) -> None:
    store = ctx.engine.call(
        ctx.services.stores.register("Sandbox", DEMO_STORE_ID, DEMO_API_KEY, sandbox.base_url)
    )
    sandbox.add_fault(Fault(kind="status", status=401, times=100_000))  # the key is revoked
    bridge = HubBridge(ctx.engine.hub)
    browser = OrdersWindow(ctx, bridge)
    browser.show()
    try:
        qtbot.waitUntil(lambda: browser.store_key == store.key, timeout=WAIT)
        qtbot.waitUntil(lambda: "key" in browser.message.text().lower(), timeout=WAIT)
        qtbot.waitUntil(lambda: not browser.busy, timeout=WAIT)
        assert list(browser.folder_counts()) == [None]  # only "All orders"
        sandbox.clear_faults()  # the merchant fixes the key in the store manager
        fix = ctx.services.stores.update_credentials("Sandbox", DEMO_API_KEY)
        ctx.engine.call(fix)
        qtbot.waitUntil(lambda: len(browser.folder_counts()) > 1, timeout=WAIT)
        qtbot.waitUntil(lambda: browser.model.total is not None, timeout=WAIT)
        qtbot.waitUntil(lambda: not browser.busy, timeout=WAIT)
    finally:
        browser.shutdown()
        browser.close()
        browser.deleteLater()
        bridge.close()
