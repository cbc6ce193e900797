"""What the order browser does to orders: move, ship, note, edit address, delete, export, and
sync the local index. Every write goes through the orders service (audited, evented).

An edit based on the copy shown (the address) that meets a newer version asks whether to
re-apply it on that version (docs/architecture.md, "Updates and conflicts"); the question's
text comes from :mod:`.conflicts`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.core.orderdesk import Order
from app.core.services import OrderConflict, Services, StoreRecord
from app.gui.errors import is_expected, user_message
from app.gui.orders.conflicts import change_paths, conflict_question
from app.gui.orders.detail import OrderDetail
from app.gui.orders.detail_text import address_changes
from app.gui.orders.dialogs import AddressDialog, MoveDialog, NoteDialog, ShipmentDialog
from app.gui.orders.presenter import OrderPresenter
from app.gui.orders.view import BrowserView
from app.gui.tasks import TaskGroup

ACTOR = "gui"


class OrderActions(QObject):
    """The browser's order actions; dialogs are kept in :attr:`dialog` while open.

    A write does not redraw the order: its ``order.changed`` event does, through the
    presenter (one refresh path). Only a version read here (a conflict) is shown here.

    Args:
        services: The services facade (through the GUI's engine proxy).
        view: Which store is shown, and the status line.
        detail: The detail pane: the order the actions work on, and its buttons.
        presenter: Shows an order version read here (the newer copy behind a conflict).
        parent: Parent of the dialogs (the window).
    """

    def __init__(
        self,
        services: Services,
        view: BrowserView,
        detail: OrderDetail,
        presenter: OrderPresenter,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.view = view
        self.detail = detail
        self.presenter = presenter
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.dialog: QDialog | None = None
        detail.move_requested.connect(self.move_order)
        detail.shipment_requested.connect(self.add_shipment)
        detail.note_requested.connect(self.add_note)
        detail.address_requested.connect(self.edit_address)
        detail.delete_requested.connect(self.delete_order)

    # -- helpers ----------------------------------------------------------------------------

    def target(self) -> tuple[StoreRecord, Order] | None:
        """The shown store and the order in the detail pane (None: says to select one)."""
        store, order = self.view.current_store(), self.detail.order
        if store is None or order is None:
            self.view.show_error("Select an order first.")
            return None
        return store, order

    def write(self, busy: str, work: Callable[[], Awaitable[str]]) -> None:
        """Run ``work`` in the background; its sentence (or the expected error) is shown."""
        self.view.show_error(busy)

        async def run() -> None:
            try:
                done = await work()
            except Exception as error:
                if not is_expected(error):
                    raise
                self.view.show_error(user_message(error))
                return
            self.view.show_error(done)

        self.tasks.start(run())

    def open_dialog(self, dialog: QDialog, on_ok: Callable[[], None]) -> QDialog:
        """Open ``dialog`` (kept in :attr:`dialog` while open); ``on_ok`` runs on OK."""
        self.dialog = dialog
        dialog.accepted.connect(on_ok)
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    # -- writes -----------------------------------------------------------------------------

    def move_order(self) -> None:
        """Ask for a folder and move the selected order there."""
        target = self.target()
        if target is None:
            return
        store, order = target
        dialog = MoveDialog(self.view.folders, order.folder_id, self.parent_widget)

        def moved() -> None:
            folder_id = dialog.values()
            name = self.view.folders.get(folder_id, str(folder_id))
            orders = self.services.orders

            async def work() -> str:
                await orders.move(store, [order.id], folder_id, actor=ACTOR)
                return f"Moved order {order.source_id or order.id} to {name}."

            self.write(f"Moving to {name}…", work)

        self.open_dialog(dialog, moved)

    def add_shipment(self) -> None:
        """Ask for tracking details and add a shipment."""
        target = self.target()
        if target is None:
            return
        store, order = target
        dialog = ShipmentDialog(self.parent_widget)

        def ship() -> None:
            body = dialog.values()
            orders = self.services.orders

            async def work() -> str:
                await orders.add_shipment(store, order.id, body, actor=ACTOR)
                return f"Added shipment {body['tracking_number']}."

            self.write("Adding the shipment…", work)

        self.open_dialog(dialog, ship)

    def add_note(self) -> None:
        """Ask for a note and append it to the order's history."""
        target = self.target()
        if target is None:
            return
        store, order = target
        dialog = NoteDialog(self.parent_widget)

        def note() -> None:
            text = dialog.values()
            orders = self.services.orders

            async def work() -> str:
                await orders.add_note(store, order.id, text, actor=ACTOR)
                return "Note added."

            self.write("Adding the note…", work)

        self.open_dialog(dialog, note)

    def edit_address(self) -> None:
        """Edit the shipping address; only changed fields are sent, based on the shown copy.

        If the order changed in Order Desk since it was shown, the user is asked whether to
        apply the same fields to the new version (see :meth:`update_shown`).
        """
        target = self.target()
        if target is None:
            return
        store, order = target
        dialog = AddressDialog(order.shipping, self.parent_widget)

        def save() -> None:
            changes = address_changes(order.shipping, dialog.values())
            if not changes:
                self.view.show_error("Nothing changed in the address.")
                return

            async def work() -> str:
                shipping = {"shipping": changes}
                if await self.update_shown(store, order, shipping, "address change"):
                    return "Shipping address saved."
                return "Address change discarded; the new version of the order is shown."

            self.write("Saving the address…", work)

        self.open_dialog(dialog, save)

    async def update_shown(
        self, store: StoreRecord, order: Order, changes: Mapping[str, Any], what: str
    ) -> bool:
        """Update the order based on the copy shown; on a conflict offer to re-apply.

        The first attempt passes the shown copy (its ``date_updated``). When the order changed
        meanwhile, the new version is shown and the user is asked; "yes" runs the same change
        set again with the conflict's current ``date_updated`` as expected (a third edit in
        between is caught and asked about the same way), "no" writes nothing.

        Returns:
            True when the change was applied, False when the user kept the new version.
        """
        orders = self.services.orders
        expected: str | None = None
        based_on: Mapping[str, Any] = order.raw
        while True:
            try:
                await orders.update(
                    store, order.id, changes, actor=ACTOR,
                    expected_date_updated=expected, based_on=based_on,
                )  # fmt: skip
            except OrderConflict as conflict:
                latest = await self.show_version(store, order.id)
                question = conflict_question(conflict.changed_fields, change_paths(changes), what)
                label = order.source_id or order.id
                if not await self.ask_reapply(f"Order {label} changed meanwhile", question):
                    return False
                expected, based_on = conflict.current, latest.raw
                continue
            return True  # the write's order.changed event shows the saved version

    async def show_version(self, store: StoreRecord, order_id: str) -> Order:
        """Read the order's current version from Order Desk and show it in the browser.

        Reading fresh publishes no event (nothing changed here), so this shows it itself.
        """
        order = await self.services.orders.get(store, order_id, fresh=True)
        if self.view.store_key == store.key:
            await self.presenter.show(store.key, order)
        return order

    async def ask_reapply(self, title: str, question: str) -> bool:
        """Ask (window-modal, Enter = re-apply, Esc = discard) and wait for the answer."""
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, title, question, yes | no, self.parent_widget)
        box.button(yes).setText("Re-&apply my change")
        box.button(no).setText("&Discard my change")
        box.setDefaultButton(yes)
        box.setEscapeButton(no)
        answer: asyncio.Future[bool] = asyncio.get_event_loop().create_future()

        def finished(_: int) -> None:
            if not answer.done():
                answer.set_result(box.clickedButton() is box.button(yes))

        box.finished.connect(finished)
        self.dialog = box
        box.open()
        try:
            return await answer
        finally:
            if self.dialog is box:
                self.dialog = None
            box.finished.disconnect(finished)
            box.close()
            box.deleteLater()

    def delete_order(self) -> None:
        """Delete the selected order after a confirmation."""
        target = self.target()
        if target is None:
            return
        store, order = target
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Delete order",
            f"Delete order {order.source_id or order.id} from Order Desk for good? "
            "This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.parent_widget,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        orders = self.services.orders

        def delete() -> None:
            async def work() -> str:
                await orders.delete(store, order.id, actor=ACTOR)
                return f"Deleted order {order.source_id or order.id}."

            self.write("Deleting…", work)

        box.accepted.connect(delete)
        self.dialog = box
        box.finished.connect(lambda _: setattr(self, "dialog", None))
        box.open()
