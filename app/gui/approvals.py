"""Approving AI writes at the tray: one dialog per request, Approve or Deny, timeout denies.

:class:`ApprovalPrompter` declares the GUI as the approver of the
:class:`~app.core.access.ApprovalQueue` and opens an :class:`ApprovalDialog` for each
``approval.requested`` event. The queue itself denies a request nobody answers in time; the
dialog then closes on the matching ``approval.decided`` event.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.core.access import APPROVAL_DECIDED
from app.core.events import Event
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.tasks import TaskGroup


def _text(value: object) -> str:
    return "" if value is None else str(value)


class ApprovalDialog(QDialog):
    """Shows one request: who, which store, what, and the exact field changes."""

    def __init__(self, data: Any, expires_at: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request_id = str(data.get("request_id"))
        self.expires_at = expires_at
        self.setWindowTitle(f"{APP_NAME} — approve an AI change?")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setMinimumWidth(520)
        self.heading = heading = QLabel(
            f"{_text(data.get('client'))} wants to {_text(data.get('action'))} "
            f"{_text(data.get('target'))} in {_text(data.get('store'))}."
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        summary = QLabel(_text(data.get("summary")))
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setWordWrap(True)
        changes = list(data.get("diff") or ())
        self.diff = QTableWidget(len(changes), 3)
        self.diff.setHorizontalHeaderLabels(["Field", "Now", "After"])
        self.diff.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.diff.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.diff.verticalHeader().hide()
        for row, change in enumerate(changes):
            for column, key in enumerate(("field", "before", "after")):
                self.diff.setItem(row, column, QTableWidgetItem(_text(change.get(key))))
        self.countdown = QLabel()
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton("Approve", QDialogButtonBox.ButtonRole.AcceptRole)
        self.deny_button = buttons.addButton("Deny", QDialogButtonBox.ButtonRole.RejectRole)
        self.deny_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(self.diff)
        layout.addWidget(self.countdown)
        layout.addWidget(buttons)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    def _tick(self) -> None:
        left = max(0, int((self.expires_at - datetime.now(UTC)).total_seconds()))
        self.countdown.setText(f"Denied automatically in {left} s unless you approve.")
        if left == 0:
            self._timer.stop()


class ApprovalPrompter(QObject):
    """Attaches the GUI as approver and opens a dialog per request."""

    def __init__(self, ctx: GuiContext, bridge: HubBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.queue = ctx.services.approvals
        self.tasks = TaskGroup()
        self.dialogs: dict[str, ApprovalDialog] = {}
        self._detach = self.queue.attach_approver()
        self.bridge = bridge
        bridge.approval_requested.connect(self._requested)
        bridge.any_event.connect(self._maybe_decided)

    def _requested(self, event: Event) -> None:
        data = event.data
        expires = event.at + timedelta(seconds=self.queue.timeout)
        dialog = ApprovalDialog(data, expires)
        request_id = dialog.request_id
        self.dialogs[request_id] = dialog
        dialog.accepted.connect(lambda: self._answer(request_id, True))
        dialog.rejected.connect(lambda: self._answer(request_id, False))
        dialog.show()
        dialog.raise_()

    def _answer(self, request_id: str, approve: bool) -> None:
        self.dialogs.pop(request_id, None)
        self.tasks.start(self.queue.answer(request_id, approve))

    def _maybe_decided(self, event: Event) -> None:
        if event.kind != APPROVAL_DECIDED:
            return
        dialog = self.dialogs.pop(str(event.data.get("request_id")), None)
        if dialog is not None:
            dialog.blockSignals(True)
            dialog.close()
            dialog.deleteLater()

    def close(self) -> None:
        """Detach (pending requests are denied) and close open dialogs."""
        self._detach()
        for dialog in self.dialogs.values():
            dialog.blockSignals(True)
            dialog.close()
        self.dialogs.clear()
        self.tasks.cancel_all()
