"""Open the shown order in Order Desk's web app (the default browser).

Order Desk's web app lives at ``https://app.orderdesk.me`` (documented); a folder's page is
``/orders?folder=<id>`` (the form its address bar shows, as public user scripts quote it). No
address of a single order's page is documented, so the link opens the order's folder page and
the order number goes on the clipboard to search for there (the status line says so).
:data:`ORDER_PAGE` and :func:`order_web_url` are the one place to change that.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QUrl, QUrlQuery
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QWidget

from app.core.orderdesk import Order
from app.core.services import StoreRecord
from app.gui.orders.shortcuts import window_action
from app.gui.orders.view import BrowserView

WEB_APP = "https://app.orderdesk.me"
ORDER_PAGE = f"{WEB_APP}/orders"


def order_web_url(order: Order) -> QUrl:
    """The web app's page for ``order``: its folder's order list (see the module's note)."""
    url = QUrl(ORDER_PAGE)
    if order.folder_id is not None:
        query = QUrlQuery()
        query.addQueryItem("folder", str(order.folder_id))
        url.setQuery(query)
    return url


class WebOpener(QObject):
    """ "Open in Order Desk" for the order in the detail pane.

    Args:
        view: The store shown and the status line.
        shown_order: The order in the detail pane (None when none is).
        parent: The window (Ctrl+Shift+O works anywhere in it).
    """

    def __init__(
        self, view: BrowserView, shown_order: Callable[[], Order | None], parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.shown_order = shown_order
        self.action = window_action(parent, "Open in Order &Desk", "Ctrl+Shift+O", self.open_order)

    def open_order(self) -> bool:
        """Open the shown order's page in the browser; True when a browser was asked to."""
        store, order = self.view.current_store(), self.shown_order()
        if store is None or order is None:
            self.view.show_error("Select an order first.")
            return False
        if not opens_on_the_web(store):
            self.view.show_error(f"{store.name} is a local demo store: it has no Order Desk page.")
            return False
        number = order.source_id or order.id
        QGuiApplication.clipboard().setText(number)
        if not QDesktopServices.openUrl(order_web_url(order)):
            self.view.show_error("No web browser could be opened.")
            return False
        self.view.show_error(
            f"Opened Order Desk on the order's folder; order {number} is on the clipboard "
            "to paste into its search."
        )
        return True


def opens_on_the_web(store: StoreRecord) -> bool:
    """Whether the store lives on Order Desk (not the built-in demo sandbox)."""
    return not store.is_demo
