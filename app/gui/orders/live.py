"""Live updates of the browser: an order changed or deleted elsewhere (an AI client, another
window) updates its row, the detail pane and the folder counts without a manual refresh."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.events import ORDER_DELETED, Event
from app.gui.orders.rows import row_from_order

if TYPE_CHECKING:
    from app.gui.orders.window import OrdersWindow


async def apply_order_event(window: OrdersWindow, event: Event) -> None:
    """Bring the window in line with one ``order.changed``/``order.deleted`` event."""
    order_id = str(event.data.get("order_id") or "")
    if not order_id:
        return
    if event.kind == ORDER_DELETED:
        window.model.remove_order(order_id)
        if window.detail.order is not None and window.detail.order.id == order_id:
            window.detail.show_order(None, f"Order {order_id} was deleted.")
        return
    query = window.model.query
    loaded = window.model.find(order_id) is not None
    arrives = query.folder_id is not None and event.data.get("folder_id") == query.folder_id
    if not loaded and arrives and not query.text:
        window.model.refresh()  # it moved into the folder shown: show it in its place
        return
    if not loaded:
        return
    try:
        order = await window.source.order(str(query.store), order_id)
    except Exception as error:
        window.expected_or_raise(error)
        return
    window.model.update_row(row_from_order(order))
    if window.selected_id() == order_id:
        window.detail.show_order(order)
        await window.show_history(str(query.store), order)
