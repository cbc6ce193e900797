"""The activity window: every write by the GUI and AI clients, newest first, with Revert."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.events import ACTIVITY_RECORDED, Event
from app.core.services.merge import diff
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.orders.bulk_activity import action_text, group_summary
from app.gui.orders.rows import format_when
from app.gui.tasks import TaskGroup

PAGE = 200
REVERTIBLE = frozenset({"order.update", "order.revert"})
ACTOR = "gui"


def denial_summary(change: Any) -> str:
    """Plain text of a denied write: its summary and the changes it asked for."""
    lines = ["Denied: nothing was sent to Order Desk."]
    if isinstance(change, dict):
        lines.append(str(change.get("summary") or ""))
        for item in change.get("changes") or ():
            if isinstance(item, dict):
                who = f"{item['subject']}: " if item.get("subject") else ""
                lines.append(
                    f"{who}{item.get('field')}: {item.get('before')!r} -> {item.get('after')!r}"
                )
    return "\n".join(line for line in lines if line)


def change_summary(entry: Any) -> str:
    """Plain text of what an audit entry changed (field diff, or the snapshot sent)."""
    if getattr(entry, "state", None) == "denied":
        return denial_summary(entry.change)
    if isinstance(entry.before, dict) and isinstance(entry.after, dict):
        changes = diff(entry.before, entry.after, ignore=("date_updated",))
        if changes:
            return "\n".join(f"{c.name}: {c.before!r} -> {c.after!r}" for c in changes)
    if entry.after is not None:
        return json.dumps(entry.after, indent=2, default=str, ensure_ascii=False)
    return ""


def outcome_text(entry: Any) -> str:
    """The Outcome column: the ledger state, why, and what a reconciling read verified."""
    if entry.outcome in ("ok", "in flight"):
        text = str(entry.state)
    elif entry.outcome.startswith(f"{entry.state}:"):
        text = str(entry.outcome)  # already says it ("denied: by the user", "refused: ...")
    else:
        text = f"{entry.state}: {entry.outcome}"
    if entry.window_ms is not None:
        text += f" (GET→PUT {entry.window_ms:.0f} ms)"
    if entry.verified:
        text += f"; verified: {entry.verified}"
    return text


class ActivityWindow(QDialog):
    """Audit entries in a table, the selected one's changes below, and a Revert button."""

    def __init__(self, ctx: GuiContext, bridge: HubBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.entries: list[Any] = []
        self.setWindowTitle("Activity")
        self.resize(900, 560)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["When (UTC)", "Who", "Action", "Target", "Outcome"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._selected)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([380, 160])
        self.revert_button = QPushButton("&Revert this change")
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert_selected)
        refresh = QPushButton("Refresh (F5)")
        refresh.setShortcut("F5")
        refresh.clicked.connect(self.reload)
        self.group_button = QPushButton("Only this &bulk job")  # the rows of one bulk job
        self.group_button.setCheckable(True)
        self.group_button.setEnabled(False)
        self.group_button.toggled.connect(self._show_group)
        self.batch: str | None = None
        self.count = QLabel()
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addWidget(refresh)
        buttons.addWidget(self.group_button)
        buttons.addWidget(self.count)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addLayout(buttons)
        bridge.order_changed.connect(self.reload)
        bridge.any_event.connect(self._maybe_recorded)
        self.reload()

    def _maybe_recorded(self, event: Event) -> None:
        if event.kind == ACTIVITY_RECORDED:
            self.reload()

    def reload(self, *_: object) -> None:
        """Read the newest entries again."""
        self.tasks.start(self._load())

    async def _load(self) -> None:
        page = await self.ctx.services.audit.query(limit=PAGE, batch=self.batch)
        self.entries = list(page.entries)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            values = (format_when(entry.at), entry.actor, action_text(entry), entry.target or "")
            for column, text in enumerate((*values, outcome_text(entry))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.count.setText(f"{len(self.entries)} of {page.total} entries.")

    def selected(self) -> Any:
        """The selected audit entry, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _selected(self) -> None:
        entry = self.selected()
        self.details.setPlainText(change_summary(entry) if entry is not None else "")
        self.revert_button.setEnabled(entry is not None and entry.ok and entry.action in REVERTIBLE)
        batch = getattr(entry, "batch", None)
        self.group_button.setEnabled(bool(batch) or self.group_button.isChecked())
        if batch:
            self.tasks.start(self._describe_group(entry, batch))

    async def _describe_group(self, entry: Any, batch: str) -> None:
        summary = await group_summary(self.ctx.services, batch)
        if self.selected() is entry:
            self.details.setPlainText(f"{summary}\n\n{change_summary(entry)}")

    def _show_group(self, only: bool) -> None:
        """Show only the selected row's bulk job (or everything again)."""
        entry = self.selected()
        self.batch = getattr(entry, "batch", None) if only and entry is not None else None
        self.reload()

    def revert_selected(self) -> None:
        """Undo the selected update after asking (fails cleanly on a conflict)."""
        entry = self.selected()
        if entry is None:
            return
        answer = QMessageBox.question(
            self, "Revert", f"Put back the fields changed by entry #{entry.id} ({entry.target})?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.tasks.start(self.revert(entry.id))

    async def revert(self, entry_id: int) -> None:
        """Revert an entry now (no question)."""
        try:
            await self.ctx.services.audit.revert(entry_id, ACTOR)
        except Exception as error:
            if not is_expected(error):
                raise
            self.status.setText(user_message(error))
            return
        self.status.setText(f"Reverted entry #{entry_id}.")
        await self._load()

    def shutdown(self) -> None:
        """Cancel loads in progress."""
        self.tasks.cancel_all()
