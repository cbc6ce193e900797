"""The browser's status line: counts, a message, and progress with Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class LoadStatus(QWidget):
    """``200 of 2,000 orders · local index``, a plain-text message, a progress bar, Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count_label = QLabel()
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.count_label)
        row.addWidget(self.message, 1)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        self.show_progress(False)

    def show_progress(
        self, visible: bool, done: int | None = None, total: int | None = None
    ) -> None:
        """Show a busy bar (no numbers), a bar with ``done`` of ``total``, or nothing."""
        self.progress.setVisible(visible)
        self.cancel_button.setVisible(visible)
        if not visible:
            return
        if done is None or not total:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
