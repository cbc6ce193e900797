"""The one refresh path of the order browser: how a version of an order reaches the screen.

A change to an order (made here, by an AI client or another window) arrives as an
``order.changed``/``order.deleted`` event, and :meth:`OrderPresenter.apply_event` redraws its
row, the detail pane and the history once. Actions do not redraw after their writes: the
write's event does (the services put the stored copy in the cache, so this costs no request).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from app.core.events import ORDER_DELETED, Event
from app.core.orderdesk import Order
from app.gui.errors import user_message
from app.gui.orders.detail import OrderDetail
from app.gui.orders.query import OrderQuery
from app.gui.orders.rows import row_from_order
from app.gui.orders.source import OrderSource
from app.gui.orders.table_model import OrdersTableModel

Report = Callable[[Exception], None]


class OrderPresenter:
    """Shows orders in the table row, the detail pane and its history.

    Args:
        source: Where orders and their history come from.
        model: The table's rows.
        detail: The detail pane.
        selected_id: The id of the selected row's order (None: nothing selected).
        report: Shows an expected error as a sentence, re-raises a bug.
    """

    def __init__(
        self,
        source: OrderSource,
        model: OrdersTableModel,
        detail: OrderDetail,
        selected_id: Callable[[], str | None],
        report: Report,
    ) -> None:
        self.source = source
        self.model = model
        self.detail = detail
        self.selected_id = selected_id
        self.report = report

    async def load(self, key: str, order_id: str, fresh: bool = False) -> None:
        """Read one order (the cache's copy unless ``fresh``) and show it (the pane is left
        alone when the selection changed meanwhile, e.g. Shift+click made it several rows)."""
        if self.selected_id() != order_id:
            return
        if self.detail.order is None or self.detail.order.id != order_id:
            self.detail.show_message(f"Loading order {order_id}…")
        try:
            order = await self.source.order(key, order_id, fresh=fresh)
        except Exception as error:
            self.report(error)
            if self.selected_id() == order_id:
                self.detail.show_message(user_message(error))
            return
        await self.show(key, order)

    async def show(self, key: str, order: Order) -> None:
        """Show ``order``: its row, and the detail pane with history when it is selected."""
        self.model.update_row(row_from_order(order))
        if self.selected_id() != order.id:
            return
        self.detail.show_order(order)
        await self.show_history(key, order)

    async def show_history(self, key: str, order: Order) -> None:
        """Load and show the history of the order in the detail pane."""
        try:
            history = await self.source.history(key, order)
        except Exception as error:
            self.report(error)
            return
        self.detail.show_history(order.id, history)

    async def apply_event(self, event: Event) -> None:
        """Bring the browser in line with one ``order.changed``/``order.deleted`` event."""
        order_id = str(event.data.get("order_id") or "")
        if not order_id:
            return
        if event.kind == ORDER_DELETED:
            self.model.remove_order(order_id)
            if self.detail.order is not None and self.detail.order.id == order_id:
                self.detail.show_order(None, f"Order {order_id} was deleted.")
            return
        query = self.model.query
        loaded = self.model.find(order_id) is not None
        if not loaded and _arrives(query, event.data) and not query.text:
            self.model.refresh()  # it moved into the folder shown: show it in its place
            return
        if not loaded:
            return
        record = event.data.get("record")
        if isinstance(record, dict):
            # Order Desk's reply to the write: show it as is (a re-read could meet a mirror
            # page that was read before the write landed).
            await self.show(str(query.store), Order(dict(record)))
        elif self.selected_id() != order_id and self._without_reading(order_id, event.data):
            return
        else:
            await self._reload(str(query.store), order_id)

    def _without_reading(self, order_id: str, data: Mapping[str, Any]) -> bool:
        """Redraw a row that is not in the detail pane from the event alone, if it says enough:
        a move names the new folder, a note shows in no column. A bulk job of 200 moves then
        costs 200 requests, not 400 (no read of each order from the token bucket)."""
        action, folder_id = data.get("action"), data.get("folder_id")
        if action == "note":
            return True
        number = self.model.find(order_id)
        row = self.model.row_at(number) if number is not None else None
        if action != "moved" or not isinstance(folder_id, int) or row is None:
            return False
        self.model.update_row(replace(row, folder_id=folder_id))
        return True

    async def _reload(self, key: str, order_id: str) -> None:
        try:
            order = await self.source.order(key, order_id)
        except Exception as error:
            self.report(error)
            return
        await self.show(key, order)


def _arrives(query: OrderQuery, data: Mapping[str, Any]) -> bool:
    """Whether a changed order now belongs to the list the browser shows: it moved into the
    folder shown, or it is new and the list shows every folder (or its folder)."""
    if query.folder_id is None:
        return data.get("action") == "created"
    return data.get("folder_id") == query.folder_id
