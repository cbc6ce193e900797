"""The status bar's bulk-job line: what is being done, how far, and Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class BulkPanel(QWidget):
    """``Moving to Shipped: 37 of 200`` with a progress bar and a Cancel button; hidden while
    no job runs. Cancel (or Esc in the window) stops the job before its next order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("%v / %m")
        self.cancel_button = QPushButton("Cancel bulk job")
        self.cancel_button.setToolTip("Stop before the next order (Esc); what is done stays done")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.label)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        self.hide()

    def start(self, what: str, total: int) -> None:
        """Show a job of ``total`` orders starting."""
        self._what = what
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.cancel_button.setEnabled(True)
        self.label.setText(f"{what}: 0 of {total:,}")
        self.show()

    def advance(self, finished: int, total: int) -> None:
        """Show ``finished`` of ``total`` orders tried."""
        self.progress.setValue(finished)
        self.label.setText(f"{self._what}: {finished:,} of {total:,}")

    def cancelling(self) -> None:
        """Cancel was asked: say so until the order being written is finished."""
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.label.text()} · stopping after this order…")
