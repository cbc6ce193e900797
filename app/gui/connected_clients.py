"""The registered AI clients with their live sessions, each revocable (part of the
"Connect an AI client" dialog)."""

from __future__ import annotations

from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.access import ClientInfo
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

CLIENT_COLUMNS = ["Client", "May", "Writes", "Stores", "Last used", "Sessions now"]
SESSIONS_COLUMN = len(CLIENT_COLUMNS) - 1


def last_used_text(when: datetime | None) -> str:
    """When a token was last presented, in local time; "never" if it was not."""
    return "never" if when is None else when.astimezone().strftime("%Y-%m-%d %H:%M")


def client_row(info: ClientInfo, sessions: int) -> list[str]:
    """The cells of one row of the clients table."""
    stores = "all stores" if info.store_names is None else ", ".join(info.store_names)
    return [
        info.name,
        ", ".join(info.scopes),
        info.policy.value,
        stores,
        last_used_text(info.last_used_at),
        str(sessions),
    ]


def sessions_sentence(counts: dict[str, int], known: set[str]) -> str:
    """How many sessions are connected now, and how many of them have no token."""
    total = sum(counts.values())
    if not total:
        return "No AI client is connected now."
    anonymous = sum(count for name, count in counts.items() if name not in known)
    text = f"{total} session(s) connected now."
    return text + (f" {anonymous} without a token (read only)." if anonymous else "")


class ConnectedClientsPanel(QGroupBox):
    """The clients table, the live-session line and the Revoke button.

    Args:
        ctx: Registry (the clients) and live sessions (the counts).
        parent: Owning widget.
    """

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__("Connected clients", parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.clients: list[ClientInfo] = []
        self._generation = 0
        self.table = QTableWidget(0, len(CLIENT_COLUMNS))
        self.table.setHorizontalHeaderLabels(CLIENT_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(140)  # four rows without scrolling
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.revoke_button = QPushButton("&Revoke…")
        self.revoke_button.setToolTip("Revoke the selected client's token: its sessions end now.")
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self.revoke_selected)
        self.sessions_line = QLabel()
        self.sessions_line.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.sessions_line, 1)
        row.addWidget(self.revoke_button)
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addLayout(row)
        box.addWidget(self.status)

    def reload(self, _event: object = None) -> None:
        """Read the clients again (also a slot for hub signals)."""
        self._run(self.load_clients())

    async def load_clients(self) -> None:
        """Read the registered clients and show them with their live session counts."""
        self._generation += 1
        generation = self._generation
        clients = await self.ctx.services.clients.list()
        if generation == self._generation:  # a newer load started meanwhile: it wins
            self.show_clients(clients)

    def session_counts(self) -> dict[str, int]:
        """Live sessions per client name (empty without a session list)."""
        return {} if self.ctx.sessions is None else self.ctx.sessions.counts()

    def show_clients(self, clients: list[ClientInfo]) -> None:
        """Fill the table, keeping the selected client selected."""
        selected = self.selected_client()
        counts = self.session_counts()
        self.clients = clients
        self.table.clearSelection()
        self.table.setRowCount(len(clients))
        for row, info in enumerate(clients):
            for column, text in enumerate(client_row(info, counts.get(info.name, 0))):
                item = QTableWidgetItem(text)
                if column == SESSIONS_COLUMN:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
            if info.name == selected:
                self.table.selectRow(row)
        self.sessions_line.setText(sessions_sentence(counts, {info.name for info in clients}))
        self._selection_changed()

    def selected_client(self) -> str | None:
        """The name of the client selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.clients):
            return None
        return self.clients[rows[0].row()].name

    def revoke_selected(self) -> None:
        """Ask, then revoke the selected client's token."""
        name = self.selected_client()
        if name is None:
            return
        sessions = self.session_counts().get(name, 0)
        answer = QMessageBox.question(
            self,
            "Revoke client",
            f"Revoke the token of {name!r}? Its {sessions} live session(s) end now, and it "
            "cannot connect again until you create a new token for it.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.confirm_revoke(name)

    def confirm_revoke(self, name: str) -> None:
        """Revoke ``name``'s token (no question asked)."""

        async def run() -> None:
            revoked = await self.ctx.services.clients.revoke(name)
            self.status.setText(
                f"Revoked {name!r}: its sessions end and its token no longer works."
                if revoked
                else f"{name!r} was already revoked."
            )
            await self.load_clients()

        self._run(run())

    def _selection_changed(self) -> None:
        self.revoke_button.setEnabled(self.selected_client() is not None)

    def _run(self, coro: Coroutine[Any, Any, None]) -> None:
        async def guarded() -> None:
            try:
                await coro
            except Exception as error:
                if not is_expected(error):
                    raise
                self.status.setText(user_message(error))

        self.tasks.start(guarded())

    def shutdown(self) -> None:
        """Cancel work in progress."""
        self.tasks.cancel_all()
