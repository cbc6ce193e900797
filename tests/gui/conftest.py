"""GUI fixtures: a sandbox Order Desk and a running engine with the real services, index and
approval queue behind a GuiContext (the qasync loop and thread check are in tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync

from app.core import settings
from app.core.access import ApprovalQueue
from app.core.engine import Engine
from app.core.secrets import open_secret_store
from app.core.services import Services
from app.demo import DemoKeySecrets
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.orders.window import OrdersWindow
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec

SANDBOX_ORDERS = 450
WINDOW_WAIT = 30000


@pytest.fixture(autouse=True)
def _check_threads(no_leftover_threads: None) -> None:
    """Every GUI test is checked for threads left running (tests/conftest.py)."""


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox Order Desk with one store on a loopback port (no rate limit: fast tests)."""
    server = SandboxServer([SandboxStoreSpec(orders=SANDBOX_ORDERS)], rate_limit=False)
    with server:
        yield server


@pytest.fixture
def engine(db: Any, test_keyring: Any) -> Iterator[Engine]:
    """A running engine on the temp database; stopped (and checked stopped) afterwards."""
    settings.upsert_defaults()
    running = Engine("test-gui-engine")
    running.start()
    try:
        yield running
    finally:
        running.stop()
        assert not running.running


@pytest.fixture
def core(engine: Engine) -> Services:
    """The real services on the engine (index, client registry, a 2 s approval queue)."""
    secrets = DemoKeySecrets(open_secret_store())
    approvals = ApprovalQueue(engine.hub, timeout=2.0)
    return Services.create(engine, secrets=secrets, timeout=10.0, approvals=approvals)


@pytest.fixture
def ctx(engine: Engine, core: Services, gui_loop: qasync.QEventLoop) -> GuiContext:
    """The GUI's view of the core: the services through the engine proxy."""
    return GuiContext.build(engine, core)


@pytest.fixture
def store(ctx: GuiContext, sandbox: SandboxServer) -> Any:
    """The sandbox store registered as "Sandbox", marked as the demo (so it keeps an index)."""
    register = ctx.services.stores.register
    return ctx.engine.call(
        register("Sandbox", DEMO_STORE_ID, DEMO_API_KEY, sandbox.base_url, is_demo=True)
    )


@pytest.fixture
def window(qtbot: Any, ctx: GuiContext, store: Any) -> Iterator[OrdersWindow]:
    """The order browser on the sandbox store, shown and settled: the store's first index sync
    has finished and the list reads the index (the switch from live reads reloads the list and
    clears a selection, so a click made before it could be lost)."""
    bridge = HubBridge(ctx.engine.hub)
    shown = OrdersWindow(ctx, bridge)
    shown.show()
    qtbot.waitUntil(
        lambda: (
            shown.source.uses_index(store.key) and shown.model.rowCount() > 0 and not shown.busy
        ),
        timeout=WINDOW_WAIT,
    )
    yield shown
    qtbot.waitUntil(lambda: not shown.busy, timeout=WINDOW_WAIT)  # let requests finish
    shown.shutdown()
    shown.close()
    shown.deleteLater()
    bridge.close()
