"""The store manager against the sandbox: a wrong key saves nothing, a right one is saved."""

from __future__ import annotations

from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt

from app.core.secrets import SERVICE_NAME
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.stores.dialog import StoreManagerDialog
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer

pytestmark = pytest.mark.gui


@pytest.fixture
def manager(qtbot: Any, ctx: GuiContext) -> StoreManagerDialog:
    bridge = HubBridge(ctx.engine.hub)
    dialog = StoreManagerDialog(ctx, bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.shutdown()
    bridge.close()


def test_first_run_offers_add_and_demo(qtbot: Any, ctx: GuiContext) -> None:
    async def demo() -> Any:
        raise AssertionError("not clicked in this test")

    ctx.start_demo = demo
    dialog = StoreManagerDialog(ctx, HubBridge(ctx.engine.hub))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.empty.isVisible())
    assert dialog.add_first.isVisible() and dialog.demo_button.isVisible()
    assert not dialog.table.isVisible()
    assert "API keys are kept" in dialog.backend.text()


def test_wrong_key_shows_error_and_saves_nothing_then_right_key_saves(
    qtbot: Any,
    ctx: GuiContext,
    manager: StoreManagerDialog,
    sandbox: SandboxServer,
    test_keyring: Any,
) -> None:
    form = manager.add_store()
    form.name.setText("Main shop")
    form.store_id.setText(DEMO_STORE_ID)
    form.api_key.setText("not-the-right-key")
    form.api_url.setText(sandbox.base_url)
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "rejected" in form.outcome.text(), timeout=10000)
    assert form.outcome.textFormat() == Qt.TextFormat.PlainText
    form.buttons.accepted.emit()  # Save
    qtbot.waitUntil(lambda: "rejected" in form.outcome.text() and not form.tasks.busy)
    assert form.isVisible()
    assert ctx.engine.call(ctx.services.stores.list()) == []
    assert test_keyring.get_password(SERVICE_NAME, "1") is None
    assert "not-the-right-key" not in form.outcome.text()

    form.api_key.setText(DEMO_API_KEY)
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.outcome.text().startswith("Connected"), timeout=10000)
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: len(manager.stores) == 1, timeout=10000)
    qtbot.waitUntil(lambda: not shiboken6.isValid(form))  # closed and deleted
    (saved,) = ctx.engine.call(ctx.services.stores.list())
    assert saved.name == "Main shop" and saved.is_default
    assert manager.table.item(0, 0).text() == "Main shop"
    assert "Saved store Main shop" in manager.status.text()


def test_remove_and_default(
    qtbot: Any, ctx: GuiContext, store: Any, manager: StoreManagerDialog
) -> None:
    qtbot.waitUntil(lambda: len(manager.stores) == 1)
    manager.table.selectRow(0)
    manager.test_store()
    qtbot.waitUntil(lambda: "connected" in manager.status.text(), timeout=10000)
    manager.confirm_remove(manager.selected())
    qtbot.waitUntil(lambda: manager.stores == [] and manager.empty.isVisible(), timeout=10000)
    assert ctx.engine.call(ctx.services.stores.list()) == []


def test_try_the_demo_store(
    qtbot: Any, ctx: GuiContext, sandbox: SandboxServer, manager: StoreManagerDialog
) -> None:
    async def start_demo() -> Any:
        stores = ctx.services.stores
        return await ctx.engine.run(
            stores.register(
                "Demo Store", DEMO_STORE_ID, DEMO_API_KEY, sandbox.base_url, is_demo=True
            )
        )

    ctx.start_demo = start_demo
    qtbot.waitUntil(lambda: manager.empty.isVisible())
    manager.demo_button.setVisible(True)
    qtbot.mouseClick(manager.demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(manager.stores) == 1, timeout=10000)
    assert manager.stores[0].name == "Demo Store" and "ready" in manager.status.text()
