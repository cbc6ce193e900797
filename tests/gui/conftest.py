"""GUI fixtures: a qasync loop on the test QApplication, a sandbox Order Desk, and a running
engine with the real services, index and approval queue behind a GuiContext."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtWidgets import QApplication

from app.core import settings
from app.core.access import ApprovalQueue, ClientRegistry
from app.core.demo import DemoKeySecrets
from app.core.engine import Engine
from app.core.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec
from app.core.secrets import open_secret_store
from app.core.services import Services
from app.gui.context import GuiContext

SANDBOX_ORDERS = 450

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
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
def gui_loop(qapp: QApplication) -> Iterator[qasync.QEventLoop]:
    """A qasync loop on the test app, current for the test; Qt events drive it."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        qapp.processEvents()
        loop.close()
        asyncio.set_event_loop(None)


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
def ctx(engine: Engine, gui_loop: qasync.QEventLoop) -> GuiContext:
    """The GUI's view of the core: real services, index, registry and approval queue."""
    secrets = DemoKeySecrets(open_secret_store())
    services = Services.create(engine, secrets=secrets, timeout=10.0)
    return GuiContext(
        engine=engine,
        services=services,
        secrets=secrets,
        registry=ClientRegistry(engine.hub),
        approvals=ApprovalQueue(engine.hub, timeout=2.0),
    )


@pytest.fixture
def store(ctx: GuiContext, sandbox: SandboxServer) -> Any:
    """The sandbox store registered as "Sandbox" (index enabled off: tests choose)."""
    return ctx.engine.call(
        ctx.services.stores.register("Sandbox", DEMO_STORE_ID, DEMO_API_KEY, sandbox.base_url)
    )
