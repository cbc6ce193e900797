"""Small forms for the order actions: move, shipment, note, shipping address.

Each dialog only collects input; the window runs the write through the engine and shows the
outcome. ``values()`` returns what the user entered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import (
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


class _Form(QDialog):
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


class MoveDialog(_Form):
    """Pick a folder; Order Desk's folder rules run on the move."""

    def __init__(self, folders: Mapping[int, str], current: int | None, parent: QWidget | None):
        super().__init__("Move to folder", parent)
        self.folder = QComboBox()
        for folder_id, name in sorted(folders.items()):
            if folder_id != current:
                self.folder.addItem(name, folder_id)
        self.form.addRow("&Folder:", self.folder)
        note = QLabel("Order Desk runs the folder's rules when an order arrives there.")
        note.setWordWrap(True)
        self.form.addRow(note)

    def problem(self) -> str | None:
        """Needs a folder."""
        return None if self.folder.count() else "There is no other folder to move to."

    def values(self) -> int:
        """The chosen folder id."""
        return int(self.folder.currentData())


class ShipmentDialog(_Form):
    """Carrier, method, tracking number (required) and an optional tracking URL."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("Add shipment", parent)
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

    def problem(self) -> str | None:
        """Needs a tracking number."""
        return None if self.tracking.text().strip() else "Enter a tracking number (or n/a)."

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


class NoteDialog(_Form):
    """A history note (Order Desk keeps history append-only)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("Add note", parent)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.form.addRow("&Note:", self.text)

    def problem(self) -> str | None:
        """Needs text."""
        return None if self.text.toPlainText().strip() else "Write a note first."

    def values(self) -> str:
        """The note text."""
        return self.text.toPlainText().strip()


class AddressDialog(_Form):
    """The shipping address, prefilled; only changed fields are written."""

    def __init__(self, address: Mapping[str, Any] | None, parent: QWidget | None) -> None:
        super().__init__("Edit shipping address", parent)
        self.fields: dict[str, QLineEdit] = {}
        for key, label in EDITABLE_ADDRESS_FIELDS:
            edit = QLineEdit(str((address or {}).get(key) or ""))
            self.fields[key] = edit
            self.form.addRow(f"{label}:", edit)

    def values(self) -> dict[str, str]:
        """Every field as entered."""
        return {key: edit.text().strip() for key, edit in self.fields.items()}
