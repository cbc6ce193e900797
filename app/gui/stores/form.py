"""Add or edit a store: name, Order Desk store ID, API key; test before save."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.services import StoreRecord
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

OK_STYLE = "color: #15803d;"
ERROR_STYLE = "color: #b91c1c;"


class StoreFormDialog(QDialog):
    """The add/edit form. ``existing`` is a ``StoreRecord`` to edit, or None to add.

    On save the key is tested again by the service; nothing is saved when the test fails.
    """

    saved = Signal(object)
    """The saved StoreRecord."""

    def __init__(
        self, ctx: GuiContext, existing: StoreRecord | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.existing = existing
        self.tasks = TaskGroup()
        self.setWindowTitle("Edit store" if existing else "Add a store")
        self.setMinimumWidth(460)
        self._build()
        if existing is not None:
            self.name.setText(existing.name)
            self.name.setReadOnly(True)
            self.store_id.setText(existing.orderdesk_store_id)
            self.store_id.setReadOnly(True)
            self.api_url.setText(existing.api_url or "")
            self.api_key.setPlaceholderText("Enter the new API key")

    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Main shop")
        self.store_id = QLineEdit()
        self.store_id.setPlaceholderText("digits, from Store Settings > API")
        self.store_id.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{1,20}")))
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("from Store Settings > API")
        self.api_url = QLineEdit()
        self.api_url.setPlaceholderText("leave empty for Order Desk itself")
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("Order Desk &store ID:", self.store_id)
        form.addRow("API &key:", self.api_key)
        form.addRow("API &URL (optional):", self.api_url)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.test_button = QPushButton("&Test connection")
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.outcome)
        layout.addWidget(self.buttons)

    def _fields(self) -> tuple[str, str, str, str | None] | None:
        name, store_id = self.name.text().strip(), self.store_id.text().strip()
        key, url = self.api_key.text().strip(), self.api_url.text().strip() or None
        missing = [
            label
            for label, value in (("a name", name), ("the store ID", store_id), ("the API key", key))
            if not value
        ]
        if missing:
            self.show_result(False, f"Please enter {', '.join(missing)}.")
            return None
        return name, store_id, key, url

    def test_connection(self) -> None:
        """Check the entered store ID and key with Order Desk; saves nothing."""
        fields = self._fields()
        if fields is None:
            return
        _, store_id, key, url = fields
        stores = self.ctx.services.stores

        async def check() -> str:
            result = await stores.check_credentials(store_id, key, url)
            return f"Connected. Order Desk says: {result.message or 'OK'}"

        self._run(check, "Testing the connection…", on_success=None)

    def save(self) -> None:
        """Test and save; closes the dialog when the store is saved."""
        fields = self._fields()
        if fields is None:
            return
        name, store_id, key, url = fields
        stores = self.ctx.services.stores

        async def save() -> StoreRecord:
            if self.existing is None:
                return await stores.register(name, store_id, key, url)
            return await stores.update_credentials(self.existing.id, key, url)

        self._run(save, "Testing the key and saving…", on_success=self._saved)

    def _saved(self, record: StoreRecord) -> None:
        self.api_key.clear()
        self.saved.emit(record)
        self.accept()

    def _run(
        self,
        work: Callable[[], Awaitable[Any]],
        busy_text: str,
        on_success: Callable[[Any], None] | None,
    ) -> None:
        if self.tasks.busy:
            return
        self._set_busy(True, busy_text)

        async def runner() -> None:
            try:
                value = await work()
            except Exception as error:
                self._set_busy(False)
                if not is_expected(error):
                    raise
                self.show_result(False, user_message(error))
                return
            self._set_busy(False)
            if on_success is None:
                self.show_result(True, str(value))
            else:
                on_success(value)

        self.tasks.start(runner())

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.progress.setVisible(busy)
        self.test_button.setEnabled(not busy)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not busy)
        if busy:
            self.outcome.setStyleSheet("")
            self.outcome.setText(text)

    def show_result(self, ok: bool, text: str) -> None:
        """Show the outcome under the form (green when it worked, red when not)."""
        self.outcome.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.outcome.setText(text)

    def reject(self) -> None:
        """Close without saving; cancel a test in progress."""
        self.tasks.cancel_all()
        super().reject()
