"""The activity window: every write by the GUI and AI clients, newest first, with Revert."""

from __future__ import annotations

from pathlib import Path
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
from app.gui.activity_filters import ActivityFilters, export_csv
from app.gui.activity_names import load_names
from app.gui.activity_text import UNDO, Names, describe, kind_text, target_text, who_text
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.orders.bulk_activity import action_text, group_summary
from app.gui.orders.rows import format_when
from app.gui.save_dialog import save_file_dialog
from app.gui.tasks import TaskGroup

PAGE = 200
ACTOR = "gui"
COLUMNS = ("When (UTC)", "Who", "Kind", "Target", "Outcome", "Store")


def change_summary(entry: Any, names: Names | None = None) -> str:
    """Plain text of what an audit entry did (a readable field diff for its kind)."""
    return describe(entry, names or Names())


def kind_column(entry: Any) -> str:
    """``Moved``, or ``Moved · bulk 1a2b3c4d`` for a bulk job's row."""
    return kind_text(entry.action) + action_text(entry)[len(str(entry.action)) :]


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
    """Ledger rows in a table with human names, filters and CSV export; the selected row's
    readable diff below, and the undo its kind allows (a recorded write too)."""

    def __init__(self, ctx: GuiContext, bridge: HubBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.entries: list[Any] = []
        self.names = Names()
        self._loads = 0
        self.dialog: QWidget | None = None
        self.setWindowTitle("Activity")
        self.resize(1000, 600)
        self.filters = ActivityFilters()
        self.filters.changed.connect(self.reload)
        self.table = _table()
        self.table.itemSelectionChanged.connect(self._selected)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setSizes([380, 180])
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(splitter)
        layout.addLayout(self._buttons())
        bridge.order_changed.connect(self.reload)
        bridge.any_event.connect(self._maybe_recorded)
        self.tasks.start(self._load_choices())
        self.reload()

    def _buttons(self) -> QHBoxLayout:
        self.revert_button = QPushButton(UNDO["order.update"].label)
        self.revert_button.setEnabled(False)
        self.revert_button.clicked.connect(self.revert_selected)
        refresh = QPushButton("Refresh (F5)")
        refresh.setShortcut("F5")
        refresh.clicked.connect(self.reload)
        self.export_button = QPushButton("E&xport CSV…")
        self.export_button.clicked.connect(self.export)
        self.group_button = QPushButton("Only this &bulk job")  # the rows of one bulk job
        self.group_button.setCheckable(True)
        self.group_button.setEnabled(False)
        self.group_button.toggled.connect(self._show_group)
        self.batch: str | None = None
        self.count = QLabel()
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        for widget in (self.revert_button, refresh, self.export_button, self.group_button,
                       self.count):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addWidget(self.status, 1)
        return buttons

    def _maybe_recorded(self, event: Event) -> None:
        if event.kind == ACTIVITY_RECORDED:
            self.reload()

    async def _load_choices(self) -> None:
        clients = await self.ctx.services.clients.list()
        self.filters.set_clients([client.name for client in clients])
        stores = await self.ctx.services.stores.list()
        self.filters.set_stores({store.id: store.name for store in stores})

    def reload(self, *_: object) -> None:
        """Read the newest entries again (with the filters chosen)."""
        self.tasks.start(self._load())

    async def _load(self) -> None:
        self._loads += 1
        mine = self._loads
        query = self.filters.query()
        page = await self.ctx.services.audit.query(limit=PAGE, batch=self.batch, **query)
        entries = list(page.entries)
        await load_names(self.ctx.services, entries, self.names)
        if mine != self._loads:
            return  # a newer load started meanwhile: its (fresher) rows are shown instead
        chosen = self.selected()
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            values = (format_when(entry.at), who_text(entry.actor), kind_column(entry),
                      target_text(entry, self.names), outcome_text(entry),
                      self.names.store(entry.store_id))  # fmt: skip
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.count.setText(f"{len(entries)} of {page.total} entries.")
        ids = [entry.id for entry in entries]
        if chosen is not None and chosen.id in ids:
            self.table.selectRow(ids.index(chosen.id))

    def selected(self) -> Any:
        """The selected audit entry, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def _selected(self) -> None:
        entry = self.selected()
        self.details.setPlainText(describe(entry, self.names) if entry is not None else "")
        undo = UNDO.get(entry.action) if entry is not None and entry.ok else None
        self.revert_button.setEnabled(undo is not None)
        self.revert_button.setText((undo or UNDO["order.update"]).label)
        batch = getattr(entry, "batch", None)
        self.group_button.setEnabled(bool(batch) or self.group_button.isChecked())
        if batch:
            self.tasks.start(self._describe_group(entry, batch))

    async def _describe_group(self, entry: Any, batch: str) -> None:
        summary = await group_summary(self.ctx.services, batch)
        if self.selected() is entry:
            self.details.setPlainText(f"{summary}\n\n{describe(entry, self.names)}")

    def _show_group(self, only: bool) -> None:
        """Show only the selected row's bulk job (or everything again)."""
        entry = self.selected()
        self.batch = getattr(entry, "batch", None) if only and entry is not None else None
        self.reload()

    def revert_selected(self) -> None:
        """Ask (Cancel is the default), then undo the selected entry as its kind allows."""
        entry = self.selected()
        undo = UNDO.get(entry.action) if entry is not None else None
        if entry is None or undo is None:
            return
        label = undo.label.replace("&", "").rstrip("…")
        yes, cancel = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel
        text = f"{undo.question}\n\nActivity #{entry.id}: {kind_text(entry.action)}, " \
            f"{target_text(entry, self.names)}."  # fmt: skip
        box = QMessageBox(QMessageBox.Icon.Question, label, text, yes | cancel, self)
        box.button(yes).setText(label)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.accepted.connect(lambda: self.tasks.start(self.revert(entry.id)))
        box.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = box
        box.open()

    async def revert(self, entry_id: int) -> None:
        """Undo an entry now (no question); the undo is a new row, selected when shown."""
        try:
            done = await self.ctx.services.audit.revert(entry_id, ACTOR)
        except Exception as error:
            if not is_expected(error):
                raise
            self.status.setText(user_message(error))
            return
        self.status.setText(f"Reverted entry #{entry_id}: done as entry #{done.id}.")
        await self._load()

    def export(self) -> None:
        """Ask where, then write every row matching the filters to a CSV file."""
        dialog = save_file_dialog(
            self,
            "Export activity",
            "activity.csv",
            lambda path: self.tasks.start(self._export(path)),
        )
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    async def _export(self, path: Path) -> None:
        self.status.setText("Exporting…")
        try:
            count = await export_csv(self.ctx.services, path, self.filters.query(), self.names,
                                     outcome_text)  # fmt: skip
        except OSError as error:
            self.status.setText(f"Could not write {path}: {error.strerror or error}")
            return
        self.status.setText(f"Exported {count} entries to {path}.")

    def shutdown(self) -> None:
        """Cancel loads in progress."""
        self.tasks.cancel_all()


def _table() -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setHorizontalHeaderLabels(list(COLUMNS))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table
