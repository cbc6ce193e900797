"""The store manager window: list, add, edit, remove, default, test; the key backend sentence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.services import StoreRecord
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.stores.form import ERROR_STYLE, OK_STYLE, StoreFormDialog
from app.gui.tasks import TaskGroup


class StoreManagerDialog(QDialog):
    """Stores: the table, its actions, and where the API keys are kept."""

    def __init__(self, ctx: GuiContext, bridge: HubBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.stores: list[StoreRecord] = []
        self.setWindowTitle("Stores")
        self.resize(640, 420)
        self._build()
        bridge.store_changed.connect(self.reload)
        self.reload()

    def _build(self) -> None:
        self.backend = QLabel()
        self.backend.setWordWrap(True)
        self.backend.setTextFormat(Qt.TextFormat.PlainText)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Vault passphrase")
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.clicked.connect(self.unlock)
        self.unlock_row = QWidget()
        row = QHBoxLayout(self.unlock_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.passphrase)
        row.addWidget(self.unlock_button)
        self.unlock_row.hide()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Name", "Order Desk store ID", "API URL", "Default"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.edit_store)
        self.empty = self._first_run_panel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.backend)
        layout.addWidget(self.unlock_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())
        layout.addWidget(self.status)
        layout.addStretch()

    def _first_run_panel(self) -> QWidget:
        panel = QGroupBox("Get started")
        text = QLabel(
            "No store yet. Add your Order Desk store with its API key, or look around with a "
            "demo store full of generated orders (nothing leaves this computer)."
        )
        text.setWordWrap(True)
        self.add_first = QPushButton("Add a store…")
        self.add_first.clicked.connect(self.add_store)
        self.demo_button = QPushButton("Try the demo store")
        self.demo_button.clicked.connect(self.try_demo)
        self.demo_button.setVisible(self.ctx.start_demo is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_first)
        buttons.addWidget(self.demo_button)
        buttons.addStretch()
        layout = QVBoxLayout(panel)
        layout.addWidget(text)
        layout.addLayout(buttons)
        panel.hide()
        return panel

    def _buttons(self) -> QHBoxLayout:
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit key…")
        self.remove_button = QPushButton("&Remove…")
        self.default_button = QPushButton("Make &default")
        self.test_button = QPushButton("&Test")
        row = QHBoxLayout()
        for button, slot in (
            (self.add_button, self.add_store),
            (self.edit_button, self.edit_store),
            (self.remove_button, self.remove_store),
            (self.default_button, self.make_default),
            (self.test_button, self.test_store),
        ):
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch()
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        row.addWidget(close)
        return row

    # -- loading ----------------------------------------------------------------------------

    def reload(self, *_: object) -> None:
        """Read the stores and the secret backend again."""
        self._run(self._load, None)

    async def _load(self) -> None:
        keys = await self.ctx.services.keys.state()
        self.stores = await self.ctx.services.stores.list()
        self.backend.setText(keys.sentence)
        self.unlock_row.setVisible(not keys.is_system and not keys.unlocked)
        self._fill()

    def _fill(self) -> None:
        selected = self.selected()
        self.table.setRowCount(len(self.stores))
        for row, store in enumerate(self.stores):
            values = (store.name, store.orderdesk_store_id, store.api_url or "Order Desk")
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
            self.table.setItem(row, 3, QTableWidgetItem("yes" if store.is_default else ""))
            if selected is not None and store.id == selected.id:
                self.table.selectRow(row)
        self.empty.setVisible(not self.stores)
        self.table.setVisible(bool(self.stores))
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setVisible(bool(self.stores))
        self.default_button.setVisible(bool(self.stores))
        self.test_button.setVisible(bool(self.stores))
        if self.stores and self.selected() is None:
            self.table.selectRow(0)
        self._update_buttons()

    def show_first_run(self) -> None:
        """Point the user at the first-run choices."""
        self.add_first.setFocus()

    def selected(self) -> StoreRecord | None:
        """The selected StoreRecord, or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.stores):
            return None
        return self.stores[rows[0].row()]

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.remove_button, self.default_button, self.test_button):
            button.setEnabled(chosen)

    # -- actions ----------------------------------------------------------------------------

    def add_store(self) -> StoreFormDialog:
        """Open the add form."""
        return self._open_form(None)

    def edit_store(self, *_: object) -> StoreFormDialog | None:
        """Open the edit form of the selected store (a new key or URL)."""
        store = self.selected()
        return self._open_form(store) if store is not None else None

    def _open_form(self, store: StoreRecord | None) -> StoreFormDialog:
        form = StoreFormDialog(self.ctx, store, self)
        form.saved.connect(lambda record: self.say(True, f"Saved store {record.name}."))
        form.saved.connect(self.reload)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.open()
        return form

    def remove_store(self) -> None:
        """Remove the selected store and its API key, after asking."""
        store = self.selected()
        if store is None:
            return
        answer = QMessageBox.question(
            self,
            "Remove store",
            f"Remove the store {store.name!r}? Its API key is deleted from this computer; "
            "the store itself in Order Desk is not touched.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.confirm_remove(store)

    def confirm_remove(self, store: StoreRecord) -> None:
        """Remove ``store`` without asking (the question was answered)."""

        async def remove() -> None:
            await self.ctx.services.stores.delete(store.id)
            self.say(True, f"Removed {store.name} and its API key.")
            await self._load()

        self._run(remove, f"Removing {store.name}…")

    def make_default(self) -> None:
        """Make the selected store the default."""
        store = self.selected()
        if store is None:
            return

        async def default() -> None:
            await self.ctx.services.stores.set_default(store.id)
            self.say(True, f"{store.name} is now the default store.")
            await self._load()

        self._run(default, None)

    def test_store(self) -> None:
        """Check the saved key of the selected store."""
        store = self.selected()
        if store is None:
            return

        async def test() -> None:
            result = await self.ctx.services.stores.test(store)
            self.say(True, f"{store.name}: connected ({result.message or 'OK'}).")

        self._run(test, f"Testing {store.name}…")

    def try_demo(self) -> None:
        """Start the demo sandbox and add "Demo Store"."""
        start = self.ctx.start_demo
        if start is None:
            return

        async def demo() -> None:
            record = await start()
            self.say(True, f"{record.name} is ready: open Orders from the tray.")
            await self._load()

        self._run(demo, "Starting the demo store…")

    def unlock(self) -> None:
        """Unlock the vault with the passphrase typed in."""
        passphrase = self.passphrase.text()
        self.passphrase.clear()

        async def do_unlock() -> None:
            await self.ctx.services.keys.unlock(passphrase)
            self.say(True, "The vault is unlocked.")
            await self._load()

        self._run(do_unlock, "Unlocking…")

    def say(self, ok: bool, text: str) -> None:
        """Show a result line under the buttons."""
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status.setText(text)

    def _run(self, work: Callable[[], Awaitable[None]], busy: str | None) -> None:
        if busy:
            self.status.setStyleSheet("")
            self.status.setText(busy)

        async def runner() -> None:
            try:
                await work()
            except Exception as error:
                if not is_expected(error):
                    raise
                self.say(False, user_message(error))

        self.tasks.start(runner())

    def shutdown(self) -> None:
        """Cancel work in progress (the app is quitting)."""
        self.tasks.cancel_all()
