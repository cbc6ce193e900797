"""The order editors: items (add, change quantity/price, remove), billing address, e-mail and
shipping method, shipments (edit, delete).

Every edit goes through the services facade like the AI tools' (merge on a fresh read, version
check, write ledger, so Activity lists it). An edit based on what the detail pane shows meets
a newer version the way the address edit does (:meth:`OrderActions.update_shown`): the new
version is shown and the user is asked whether to apply the same change to it. Items and
shipments carry no ``date_updated``; their copy shown is their version
(``update_item(based_on=...)``). Removing an item or deleting a shipment asks first, with
Cancel as the default.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.orderdesk import Order
from app.core.services import OrderConflict, Services, StoreRecord
from app.gui.orders.actions import ACTOR, OrderActions
from app.gui.orders.conflicts import change_paths, conflict_question
from app.gui.orders.detail import OrderDetail
from app.gui.orders.detail_text import address_changes
from app.gui.orders.dialogs import AddressDialog, ShipmentDialog
from app.gui.orders.editors_dialogs import ContactDialog, ItemDialog, changed_fields
from app.gui.orders.view import BrowserView

Send = Callable[[Mapping[str, Any]], Awaitable[object]]
Find = Callable[[Order], Mapping[str, Any] | None]


def line_of(order: Order, lines: str, line_id: str) -> dict[str, Any] | None:
    """The item or shipment ``line_id`` of ``order`` (``lines``: ``order_items``...)."""
    for line in order.raw.get(lines) or ():
        if isinstance(line, dict) and str(line.get("id")) == line_id:
            return line
    return None


def item_label(item: Mapping[str, Any]) -> str:
    """``2 x Mug (MUG-1)``."""
    code = f" ({item.get('code')})" if item.get("code") else ""
    return f"{item.get('quantity') or 1} x {item.get('name') or 'item'}{code}"


class OrderEditors(QObject):
    """Opens the editors for the order in the detail pane and runs their writes.

    Args:
        services: The services facade (through the GUI's engine proxy).
        view: Which store is shown, and the status line.
        detail: The detail pane (the order, its selected item or shipment, the buttons).
        actions: The order actions: dialogs, background writes, conflict questions.
        parent: Parent of the dialogs (the window).
    """

    def __init__(
        self,
        services: Services,
        view: BrowserView,
        detail: OrderDetail,
        actions: OrderActions,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.services, self.view, self.detail, self.actions = services, view, detail, actions
        self.parent_widget = parent
        for signal, slot in (
            (detail.billing_requested, self.edit_billing),
            (detail.contact_requested, self.edit_contact),
            (detail.item_add_requested, self.add_item),
            (detail.item_change_requested, self.change_item),
            (detail.item_remove_requested, self.remove_item),
            (detail.shipment_edit_requested, self.edit_shipment),
            (detail.shipment_delete_requested, self.delete_shipment),
        ):
            signal.connect(slot)

    # -- order fields -----------------------------------------------------------------------

    def edit_billing(self) -> None:
        """Edit the billing (customer) address; only changed fields are sent."""
        target = self.actions.target()
        if target is None:
            return
        store, order = target
        dialog = AddressDialog(order.customer, self.parent_widget, "Edit billing address")

        def save() -> None:
            changes = address_changes(order.customer, dialog.values())
            self._update_order(store, order, {"customer": changes} if changes else {},
                               "billing address change", "Billing address saved.")  # fmt: skip

        self.actions.open_dialog(dialog, save)

    def edit_contact(self) -> None:
        """Edit the order's e-mail and shipping method."""
        target = self.actions.target()
        if target is None:
            return
        store, order = target
        dialog = ContactDialog(order.email, order.shipping_method, self.parent_widget)

        def save() -> None:
            self._update_order(store, order, dialog.changes(),
                               "e-mail and shipping method change",
                               "E-mail and shipping method saved.")  # fmt: skip

        self.actions.open_dialog(dialog, save)

    def _update_order(
        self, store: StoreRecord, order: Order, changes: dict[str, Any], what: str, done: str
    ) -> None:
        if not changes:
            self.view.show_error("Nothing was changed.")
            return

        async def work() -> str:
            if await self.actions.update_shown(store, order, changes, what):
                return done
            return f"Your {what} was discarded; the new version of the order is shown."

        self.actions.write("Saving…", work)

    # -- items ------------------------------------------------------------------------------

    def add_item(self) -> None:
        """Ask for a new line and add it (Order Desk recalculates the totals)."""
        target = self.actions.target()
        if target is None:
            return
        store, order = target
        dialog = ItemDialog(None, self.parent_widget)

        def add() -> None:
            body = dialog.body()
            orders = self.services.orders

            async def work() -> str:
                await orders.add_item(store, order.id, body, actor=ACTOR)
                return f"Added {item_label(body)}."

            self.actions.write("Adding the item…", work)

        self.actions.open_dialog(dialog, add)

    def change_item(self) -> None:
        """Change the selected line's quantity, price, name or SKU."""
        target, item = self.actions.target(), self.detail.selected_item()
        if target is None or item is None:
            return
        store, order = target
        dialog = ItemDialog(item.raw, self.parent_widget)
        orders = self.services.orders

        def save() -> None:
            changes = dialog.changes()
            if not changes:
                self.view.show_error("Nothing was changed.")
                return

            async def send(based_on: Mapping[str, Any]) -> object:
                return await orders.update_item(
                    store, order.id, item.id, changes, actor=ACTOR, based_on=based_on
                )

            self._update_line(store, order, changes, "item change", send,
                              lambda latest: line_of(latest, "order_items", item.id),
                              item.raw, "Item saved.")  # fmt: skip

        self.actions.open_dialog(dialog, save)

    def remove_item(self) -> None:
        """Remove the selected line after asking (Cancel is the default)."""
        target, item = self.actions.target(), self.detail.selected_item()
        if target is None or item is None:
            return
        store, order = target
        label = item_label(item.raw)
        orders = self.services.orders

        async def work() -> str:
            await orders.remove_item(store, order.id, item.id, actor=ACTOR)
            return f"Removed {label}."

        self._confirm("Remove item", f"Remove {label} from order {order.source_id or order.id}?",
                      lambda: self.actions.write("Removing the item…", work))  # fmt: skip

    # -- shipments --------------------------------------------------------------------------

    def edit_shipment(self) -> None:
        """Edit the selected shipment's carrier, method, tracking number or URL."""
        target, shipment = self.actions.target(), self.detail.selected_shipment()
        if target is None or shipment is None:
            return
        store, order = target
        dialog = ShipmentDialog(self.parent_widget, shipment.raw)
        orders = self.services.orders

        def save() -> None:
            changes = changed_fields(shipment.raw, dialog.fields())
            if not changes:
                self.view.show_error("Nothing was changed.")
                return

            async def send(based_on: Mapping[str, Any]) -> object:
                return await orders.update_shipment(
                    store, order.id, shipment.id, changes, actor=ACTOR, based_on=based_on
                )

            self._update_line(store, order, changes, "shipment change", send,
                              lambda latest: line_of(latest, "order_shipments", shipment.id),
                              shipment.raw, "Shipment saved.")  # fmt: skip

        self.actions.open_dialog(dialog, save)

    def delete_shipment(self) -> None:
        """Delete the selected shipment after asking (Cancel is the default)."""
        target, shipment = self.actions.target(), self.detail.selected_shipment()
        if target is None or shipment is None:
            return
        store, order = target
        label = shipment.tracking_number or shipment.id
        orders = self.services.orders

        async def work() -> str:
            await orders.delete_shipment(store, order.id, shipment.id, actor=ACTOR)
            return f"Deleted shipment {label}."

        self._confirm("Delete shipment",
                      f"Delete shipment {label} from order {order.source_id or order.id}?",
                      lambda: self.actions.write("Deleting the shipment…", work))  # fmt: skip

    # -- shared -----------------------------------------------------------------------------

    def _update_line(
        self,
        store: StoreRecord,
        order: Order,
        changes: Mapping[str, Any],
        what: str,
        send: Send,
        find: Find,
        shown: Mapping[str, Any],
        done: str,
    ) -> None:
        """Write a line change based on the copy shown; on a conflict ask to re-apply."""

        async def work() -> str:
            based_on = shown
            while True:
                try:
                    await send(based_on)
                except OrderConflict as conflict:
                    latest = await self.actions.show_version(store, order.id)
                    line = find(latest)
                    if line is None:
                        return f"Not saved: the {what.split()[0]} was removed meanwhile."
                    question = conflict_question(
                        conflict.changed_fields, change_paths(changes), what
                    )
                    title = f"Order {order.source_id or order.id} changed meanwhile"
                    if not await self.actions.ask_reapply(title, question):
                        return f"Your {what} was discarded; the new version is shown."
                    based_on = line
                    continue
                return done

        self.actions.write("Saving…", work)

    def _confirm(self, title: str, question: str, then: Callable[[], None]) -> None:
        """Ask a yes/cancel question (Cancel is the default); ``then`` runs on yes."""
        yes, cancel = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel
        box = QMessageBox(QMessageBox.Icon.Warning, title, question, yes | cancel,
                          self.parent_widget)  # fmt: skip
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.accepted.connect(then)
        self.actions.dialog = box
        box.finished.connect(lambda _: setattr(self.actions, "dialog", None))
        box.open()
