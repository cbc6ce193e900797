"""The browser's status line: counts, a message, the shown store's index state, and progress
with Cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.core.index import IndexState, IndexStatus


def index_state_text(status: IndexStatus) -> str:
    """What the status line says about one store's local index."""
    finished = status.last_synced_at is not None
    if status.state == IndexState.SYNCING and not finished:
        return "First sync of the local index running (the list reads Order Desk live)"
    if status.state == IndexState.FAILED:
        return "The index sync failed; the list reads Order Desk live"
    if finished and status.count:
        return f"Search index ready ({status.count:,} orders)"
    if status.state == IndexState.INTERRUPTED:
        return "Index sync interrupted; it resumes at the next sync"
    return "No local index yet: the list reads Order Desk live"


def sync_progress_text(done: int, total: int) -> str:
    """The status line while a store's index is built."""
    return f"Indexing {done:,} of {total:,} orders…"


class LoadStatus(QWidget):
    """``200 of 2,000 orders · local index``, a plain-text message, the index state, a progress
    bar, Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count_label = QLabel()
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.index_label = QLabel()
        self.index_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.count_label)
        row.addWidget(self.message, 1)
        row.addWidget(self.index_label)
        row.addWidget(self.progress)
        row.addWidget(self.cancel_button)
        self.show_progress(False)

    def show_count(self, shown: int, total: int, from_index: bool, described: str) -> None:
        """``shown of total orders · where from · filtered: what`` (after a page load)."""
        origin = "local index" if from_index else "Order Desk"
        filtered = f" · filtered: {described}" if described else ""
        self.count_label.setText(f"{shown:,} of {total:,} orders · {origin}{filtered}")

    def show_index(self, text: str) -> None:
        """Say where the shown store's local index stands."""
        self.index_label.setText(text)

    def show_progress(
        self, visible: bool, done: int | None = None, total: int | None = None
    ) -> None:
        """Show a busy bar (no numbers), a bar with ``done`` of ``total``, or nothing."""
        self.progress.setVisible(visible)
        self.cancel_button.setVisible(visible)
        if not visible:
            return
        self.progress.setTextVisible(bool(done is not None and total))
        if done is None or not total:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"{done:,} / {total:,}")
            self.progress.setToolTip(sync_progress_text(done, total))
