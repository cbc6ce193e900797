"""The settings dialog: one row per declared setting, built from the setting specs, and each AI
client's write policy.

The "start at login" box shows and changes the OS login entry itself (:mod:`app.core.autostart`:
XDG autostart file, launch agent or Run value): it is read each time the dialog opens and written
or removed on Save, with no stored setting beside it, so the box, the installer's choice and the
OS always agree.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME
from app.core import autostart
from app.core.access import ClientInfo
from app.core.settings import SETTINGS, SettingSpec, SettingValue
from app.gui.clients import POLICY_CHOICES
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

INT_LIMIT = 2_000_000_000
START_AT_LOGIN = "start_at_login"


def login_editor() -> QCheckBox:
    """The "start at login" box, with a tooltip that says where the entry lives."""
    box = QCheckBox()
    where = autostart.login_entry().where
    box.setToolTip(f"Adds or removes {APP_NAME} in the programs started at login ({where}).")
    return box


def editor_for(spec: SettingSpec) -> QWidget:
    """A widget that edits one setting of ``spec``'s type."""
    if spec.type is bool:
        return QCheckBox()
    if spec.choices:
        box = QComboBox()
        box.addItems(list(spec.choices))
        return box
    if spec.type is int:
        spin = QSpinBox()
        spin.setRange(int(spec.minimum or 0), int(spec.maximum or INT_LIMIT))
        return spin
    if spec.type is float:
        double = QDoubleSpinBox()
        double.setRange(spec.minimum or 0.0, spec.maximum or float(INT_LIMIT))
        return double
    return QLineEdit()


def set_editor(widget: QWidget, value: SettingValue) -> None:
    """Show ``value`` in an editor made by :func:`editor_for`."""
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, QComboBox):
        widget.setCurrentText(str(value))
    elif isinstance(widget, QSpinBox):
        widget.setValue(int(value))
    elif isinstance(widget, QDoubleSpinBox):
        widget.setValue(float(value))
    elif isinstance(widget, QLineEdit):
        widget.setText(str(value))


def editor_value(widget: QWidget) -> Any:
    """The value an editor holds."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return widget.value()
    if isinstance(widget, QLineEdit):
        return widget.text()
    raise TypeError(type(widget).__name__)


def theme_sentence(scheme: Qt.ColorScheme) -> str:
    """Say that colours follow the system's light or dark theme."""
    if scheme == Qt.ColorScheme.Unknown:
        return "Colours follow the system theme."
    return f"Colours follow the system theme (now {scheme.name.lower()})."


class ClientPolicies(QGroupBox):
    """A table of the registered AI clients with a write-policy combo each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("AI clients: what their writes do", parent)
        self.loaded: dict[str, str] = {}
        self.combos: dict[str, QComboBox] = {}
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Client", "May", "Writes"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setMaximumHeight(150)
        self.table.hide()  # until clients are loaded: no empty table sizes the dialog
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.empty = QLabel("No AI client yet: connect one from the tray menu.")
        box = QVBoxLayout(self)
        box.addWidget(self.table)
        box.addWidget(self.empty)

    def show_clients(self, clients: list[ClientInfo]) -> None:
        """One row per client, its combo set to the stored policy."""
        self.loaded = {info.name: info.policy.value for info in clients}
        self.combos = {}
        self.table.setRowCount(len(clients))
        for row, info in enumerate(clients):
            combo = QComboBox()
            for value, label in POLICY_CHOICES:
                combo.addItem(label, value)
            combo.setCurrentIndex(combo.findData(info.policy.value))
            self.combos[info.name] = combo
            self.table.setItem(row, 0, QTableWidgetItem(info.name))
            self.table.setItem(row, 1, QTableWidgetItem(", ".join(info.scopes)))
            self.table.setCellWidget(row, 2, combo)
        self.table.setVisible(bool(clients))
        self.empty.setVisible(not clients)

    def changes(self) -> dict[str, str]:
        """Client name -> new policy, for each combo that differs from the stored policy."""
        chosen = {name: str(combo.currentData()) for name, combo in self.combos.items()}
        return {name: policy for name, policy in chosen.items() if policy != self.loaded[name]}


class SettingsDialog(QDialog):
    """Every setting with its description as tooltip, and each AI client's write policy.

    Save writes what changed; the dialog reads everything again each time it opens.
    """

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.loaded: dict[str, SettingValue] = {}
        self.editors: dict[str, QWidget] = {}
        self.setWindowTitle("Settings")
        self.setMinimumWidth(640)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for spec in (spec for spec in SETTINGS if not spec.internal):
            editor = editor_for(spec)
            editor.setToolTip(spec.description)
            label = QLabel(spec.description)
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.editors[spec.key] = editor
            form.addRow(label, editor)
        self.editors[START_AT_LOGIN] = login_editor()
        form.addRow(QLabel(f"Start {APP_NAME} when I log in."), self.editors[START_AT_LOGIN])
        self.policies = ClientPolicies()
        theme = QLabel(theme_sentence(QGuiApplication.styleHints().colorScheme()))
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.policies)
        layout.addWidget(theme)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the stored values each time the dialog opens."""
        super().showEvent(event)
        if not event.spontaneous():
            self.tasks.start(self.load())

    async def load(self) -> None:
        """Read every setting into its editor, and the clients into the policy table."""
        loaded = await self.ctx.services.settings.all()
        loaded[START_AT_LOGIN] = await self._read_login_entry()
        for key, value in loaded.items():
            if key in self.editors:
                set_editor(self.editors[key], value)
        self.policies.show_clients(await self.ctx.services.clients.list())
        self.loaded = loaded

    async def _read_login_entry(self) -> bool:
        """The login entry's state; an unreadable one shows as off, with the reason."""
        try:
            return await self.ctx.services.settings.starts_at_login()
        except autostart.AutostartError as error:
            self.status.setText(str(error))
            return False

    def changes(self) -> dict[str, Any]:
        """Settings whose editor differs from the stored value."""
        return {
            key: editor_value(editor)
            for key, editor in self.editors.items()
            if editor_value(editor) != self.loaded.get(key)
        }

    def save(self) -> None:
        """Write the changed settings and client policies."""
        self.tasks.start(self.save_changes(self.changes(), self.policies.changes()))

    async def save_changes(self, changes: dict[str, Any], policies: dict[str, str]) -> None:
        """Apply ``changes`` (the login entry in the OS) and ``policies``; say what happened."""
        try:
            for key, value in changes.items():
                if key == START_AT_LOGIN:
                    await self.ctx.services.settings.set_start_at_login(bool(value))
                else:
                    await self.ctx.services.settings.set(key, value)
                self.loaded[key] = value
            for name, policy in policies.items():
                await self.ctx.services.clients.set_policy(name, policy)
                self.policies.loaded[name] = policy
        except Exception as error:
            if not is_expected(error):
                raise
            self.status.setText(user_message(error))
            return
        self.status.setText(saved_sentence(len(changes), len(policies)))

    def shutdown(self) -> None:
        """Cancel work in progress."""
        self.tasks.cancel_all()


def saved_sentence(settings: int, policies: int) -> str:
    """What Save did, in a sentence."""
    if not settings and not policies:
        return "Nothing changed."
    parts = [f"Saved {settings} setting(s)"] if settings else []
    if policies:
        parts.append(f"{'saved' if parts else 'Saved'} {policies} client policy(ies)")
    return " and ".join(parts) + ". Endpoint changes apply at the next start."
