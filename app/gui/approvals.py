"""Approving AI writes at the tray: one dialog per request, Approve or Deny, timeout denies.

:class:`ApprovalPrompter` declares the GUI as the approver of the
:class:`~app.core.access.ApprovalQueue` and opens an :class:`ApprovalDialog` for each
``approval.requested`` event. The queue itself denies a request nobody answers in time; the
dialog then closes on the matching ``approval.decided`` event.

An approval must never be given by accident: the dialog appears without taking the keyboard
from what the user is typing (it accepts focus only once the mouse enters it), Approve is
disabled for the first :data:`ARM_MS` milliseconds, no button is the default, and Enter does
nothing. Approving takes a click on Approve or its shortcut (Alt+A) in the dialog.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QEnterEvent, QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.core.access import APPROVAL_DECIDED
from app.core.events import Event
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.tasks import TaskGroup

ARM_MS = 1000
"""Approve stays disabled this long after the dialog appears (a click aimed elsewhere)."""
ENTER_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})


def _text(value: object) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class ChangeRow:
    """One field change of one record, as text."""

    subject: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangeGroup:
    """Changes shown as one line: a single change, or the same change to several records."""

    title: str
    field: str
    before: str
    after: str
    rows: tuple[ChangeRow, ...]


def _group_title(count: int, field: str, after: str) -> str:
    if field == "folder":
        return f"{count} orders → {after}"
    return f"{count} orders: {field} → {after}"


def group_changes(diff: Iterable[Mapping[str, Any]]) -> list[ChangeGroup]:
    """Fold equal changes (same field and new value) of several records into one group.

    "30 orders → Cancelled" with the 30 orders (each with its current value) below it;
    anything else stays one line per change, in the order given.
    """
    rows = [
        ChangeRow(*(_text(change.get(key)) for key in ("subject", "field", "before", "after")))
        for change in diff
    ]
    buckets: dict[tuple[str, str], list[ChangeRow]] = {}
    for row in rows:
        if row.subject:
            buckets.setdefault((row.field, row.after), []).append(row)
    groups: list[ChangeGroup] = []
    placed: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.field, row.after)
        members = buckets.get(key, []) if row.subject else []
        if len({m.subject for m in members}) < 2:
            groups.append(ChangeGroup(row.subject, row.field, row.before, row.after, (row,)))
        elif key not in placed:
            placed.add(key)
            befores = {m.before for m in members}
            before = befores.pop() if len(befores) == 1 else "(various)"
            title = _group_title(len(members), row.field, row.after)
            groups.append(ChangeGroup(title, row.field, before, row.after, tuple(members)))
    return groups


def _tree(groups: list[ChangeGroup]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(4)
    tree.setHeaderLabels(["Order", "Change", "Now", "After"])
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    tree.setRootIsDecorated(any(len(group.rows) > 1 for group in groups))
    for group in groups:
        item = QTreeWidgetItem([group.title, group.field, group.before, group.after])
        if len(group.rows) > 1:
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            for row in group.rows:
                item.addChild(QTreeWidgetItem([row.subject, row.field, row.before, row.after]))
        tree.addTopLevelItem(item)
    return tree


class ApprovalDialog(QDialog):
    """Shows one request: who, which store, what, and the exact changes; hard to approve by
    accident (see the module docstring).

    Args:
        data: The ``approval.requested`` event's data.
        expires_at: When the queue denies it on its own.
        arm_ms: How long Approve stays disabled after the dialog appears.
    """

    def __init__(
        self,
        data: Any,
        expires_at: datetime,
        parent: QWidget | None = None,
        arm_ms: int = ARM_MS,
    ) -> None:
        super().__init__(parent)
        self.request_id = str(data.get("request_id"))
        self.expires_at = expires_at
        self.arm_ms = arm_ms
        self.setWindowTitle(f"{APP_NAME} — approve an AI change?")
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus)  # until the mouse comes
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setMinimumWidth(560)
        self.heading = heading = QLabel(
            f"{_text(data.get('client'))} wants to change the store “{_text(data.get('store'))}”:"
        )
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.summary = summary = QLabel(_text(data.get("summary")))
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setWordWrap(True)
        summary.setStyleSheet("font-weight: bold;")
        self.groups = group_changes(data.get("diff") or ())
        self.changes = _tree(self.groups)
        self.countdown = QLabel()
        self.approve_button = QPushButton("&Approve")
        self.deny_button = QPushButton("&Deny")
        for button in (self.approve_button, self.deny_button):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.approve_button.setEnabled(False)
        self.approve_button.setToolTip("Click to let the AI client make this change (Alt+A).")
        self.approve_button.clicked.connect(self.accept)
        self.deny_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.countdown, 1)
        buttons.addWidget(self.deny_button)
        buttons.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(self.changes)
        layout.addLayout(buttons)
        self.changes.setFocus()  # never a button: Space must not approve either
        self._armed = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)
        self._tick()

    @property
    def armed(self) -> bool:
        """True once Approve can be clicked."""
        return self._armed

    def showEvent(self, event: QShowEvent) -> None:
        """Start the arming delay when the dialog first appears."""
        super().showEvent(event)
        if not self._armed:
            QTimer.singleShot(self.arm_ms, self._arm)

    def _arm(self) -> None:
        self._armed = True
        self.approve_button.setEnabled(True)

    def enterEvent(self, event: QEnterEvent) -> None:
        """The mouse came: from now on a click may give the dialog the keyboard."""
        self.accept_focus()
        super().enterEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click on the dialog itself also lets it take the keyboard."""
        self.accept_focus()
        super().mousePressEvent(event)

    def accept_focus(self) -> None:
        """Let the window manager give this window the keyboard (after a deliberate act)."""
        handle = self.windowHandle()
        if handle is not None and handle.flags() & Qt.WindowType.WindowDoesNotAcceptFocus:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter never answers the request (there is no default button)."""
        if event.key() in ENTER_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)

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
        self.arm_ms = ARM_MS
        self._detach = self.queue.attach_approver()
        self.bridge = bridge
        bridge.approval_requested.connect(self._requested)
        bridge.any_event.connect(self._maybe_decided)

    def _requested(self, event: Event) -> None:
        data = event.data
        expires = event.at + timedelta(seconds=self.queue.timeout)
        dialog = ApprovalDialog(data, expires, arm_ms=self.arm_ms)
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
