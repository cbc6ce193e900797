"""Small forms for the order actions: move, shipment, note, shipping address.

Each dialog only collects input; the window runs the write through the engine and shows the
outcome. ``values()`` returns what the user entered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.orders.detail_text import EDITABLE_ADDRESS_FIELDS

CARRIERS = ("UPS", "USPS", "FedEx", "DHL", "Canada Post", "Royal Mail", "Other")


class FormDialog(QDialog):
    """A form with OK/Cancel: the cursor starts in :attr:`first_input`; OK checks
    :meth:`problem` first. With :attr:`enter_moves_on`, Enter in a one-line field goes to the
    next field and only Enter in the last one (or OK) submits, so a half-typed form is not
    sent by a stray Enter."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.first_input: QWidget | None = None
        """The field the cursor starts in (typing goes there, not to OK)."""
        self.enter_moves_on = False
        """Enter in a one-line field that is not the last goes to the next field."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a one-line field moves on (see :attr:`enter_moves_on`)."""
        entered = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        field = self.focusWidget()
        if self.enter_moves_on and entered and isinstance(field, QLineEdit | QAbstractSpinBox):
            if field is not self._last_field():
                self.focusNextChild()
                return
            self._check_and_accept()
            return
        super().keyPressEvent(event)

    def _last_field(self) -> QWidget | None:
        fields = [
            self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            for row in range(self.form.rowCount())
        ]
        widgets = [item.widget() for item in fields if item is not None and item.widget()]
        return widgets[-1] if widgets else None

    def showEvent(self, event: QShowEvent) -> None:
        """Put the cursor in :attr:`first_input` when the dialog appears."""
        super().showEvent(event)
        if self.first_input is not None:
            self.first_input.setFocus(Qt.FocusReason.PopupFocusReason)

    def problem(self) -> str | None:
        """A sentence when the input is not complete, else None."""
        return None

    def _check_and_accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()


class MoveDialog(FormDialog):
    """Pick a folder; Order Desk's folder rules run on the move."""

    def __init__(self, folders: Mapping[int, str], current: int | None, parent: QWidget | None):
        super().__init__("Move to folder", parent)
        self.folder = QComboBox()
        for folder_id, name in sorted(folders.items()):
            if folder_id != current:
                self.folder.addItem(name, folder_id)
        self.form.addRow("&Folder:", self.folder)
        self.first_input = self.folder
        note = QLabel("Order Desk runs the folder's rules when an order arrives there.")
        note.setWordWrap(True)
        self.form.addRow(note)

    def problem(self) -> str | None:
        """Needs a folder."""
        return None if self.folder.count() else "There is no other folder to move to."

    def values(self) -> int:
        """The chosen folder id."""
        return int(self.folder.currentData())


class ShipmentDialog(FormDialog):
    """Carrier, method, tracking number (required) and an optional tracking URL; given a
    shipment, its values to edit."""

    def __init__(self, parent: QWidget | None, shipment: Mapping[str, Any] | None = None) -> None:
        super().__init__("Edit shipment" if shipment else "Add shipment", parent)
        self.carrier = QComboBox()
        self.carrier.setEditable(True)
        self.carrier.addItems(CARRIERS)
        self.method = QLineEdit()
        self.method.setPlaceholderText("e.g. Ground")
        self.tracking = QLineEdit()
        self.tracking.setPlaceholderText('required; "n/a" when there is none')
        self.url = QLineEdit()
        self.url.setPlaceholderText("optional")
        self.form.addRow("&Carrier:", self.carrier)
        self.form.addRow("&Method:", self.method)
        self.form.addRow("&Tracking number:", self.tracking)
        self.form.addRow("Tracking &URL:", self.url)
        self.first_input = self.tracking  # the one required field
        if shipment:
            self.carrier.setCurrentText(str(shipment.get("carrier_code") or ""))
            self.method.setText(str(shipment.get("shipment_method") or ""))
            self.tracking.setText(str(shipment.get("tracking_number") or ""))
            self.url.setText(str(shipment.get("tracking_url") or ""))

    def problem(self) -> str | None:
        """Needs a tracking number."""
        return None if self.tracking.text().strip() else "Enter a tracking number (or n/a)."

    def fields(self) -> dict[str, str]:
        """Every field as entered (empty ones too: an edit may clear a field)."""
        return {
            "tracking_number": self.tracking.text().strip(),
            "carrier_code": self.carrier.currentText().strip(),
            "shipment_method": self.method.text().strip(),
            "tracking_url": self.url.text().strip(),
        }

    def values(self) -> dict[str, Any]:
        """The shipment body for Order Desk."""
        body = {
            "tracking_number": self.tracking.text().strip(),
            "carrier_code": self.carrier.currentText().strip(),
            "shipment_method": self.method.text().strip(),
        }
        if self.url.text().strip():
            body["tracking_url"] = self.url.text().strip()
        return {key: value for key, value in body.items() if value}


class NoteDialog(FormDialog):
    """A history note (Order Desk keeps history append-only).

    Enter starts a new line in the note; Ctrl+Enter (or the OK button) adds it.
    """

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("Add note", parent)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("Enter: new line · Ctrl+Enter: add the note")
        self.form.addRow("&Note:", self.text)
        self.first_input = self.text
        self.text.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the note adds it (plain Enter stays a new line)."""
        if (
            watched is self.text
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._check_and_accept()
            return True
        return super().eventFilter(watched, event)

    def problem(self) -> str | None:
        """Needs text."""
        return None if self.text.toPlainText().strip() else "Write a note first."

    def values(self) -> str:
        """The note text."""
        return self.text.toPlainText().strip()


class AddressDialog(FormDialog):
    """An address (shipping, or billing with ``title``), prefilled; only changed fields are
    written."""

    def __init__(
        self,
        address: Mapping[str, Any] | None,
        parent: QWidget | None,
        title: str = "Edit shipping address",
    ) -> None:
        super().__init__(title, parent)
        self.fields: dict[str, QLineEdit] = {}
        for key, label in EDITABLE_ADDRESS_FIELDS:
            edit = QLineEdit(str((address or {}).get(key) or ""))
            self.fields[key] = edit
            self.form.addRow(f"{label}:", edit)
            self.first_input = self.first_input or edit

    def values(self) -> dict[str, str]:
        """Every field as entered."""
        return {key: edit.text().strip() for key, edit in self.fields.items()}
