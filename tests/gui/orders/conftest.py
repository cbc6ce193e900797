"""Fixtures of the order browser's part tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.orders.window import OrdersWindow
from tests.gui.conftest import WINDOW_WAIT


@pytest.fixture
def another_window(qtbot: Any, ctx: GuiContext) -> Iterator[Any]:
    """Opens a second order window on the same app (as after a restart of the window)."""
    opened: list[tuple[OrdersWindow, HubBridge]] = []

    def open_one() -> OrdersWindow:
        bridge = HubBridge(ctx.engine.hub)
        window = OrdersWindow(ctx, bridge)
        window.show()
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=WINDOW_WAIT)
        opened.append((window, bridge))
        return window

    yield open_one
    for window, bridge in opened:
        qtbot.waitUntil(lambda window=window: not window.busy, timeout=WINDOW_WAIT)
        window.shutdown()
        window.close()
        window.deleteLater()
        bridge.close()
