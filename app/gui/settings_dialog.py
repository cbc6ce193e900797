"""The settings dialog: one row per declared setting, built from the setting specs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import SETTINGS, SettingSpec, SettingValue
from app.gui.context import GuiContext
from app.gui.core_calls import read_all_settings, write_setting
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

INT_LIMIT = 2_000_000_000


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


class SettingsDialog(QDialog):
    """Every setting with its description as tooltip; Save writes the changed ones."""

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
        for spec in SETTINGS:
            editor = editor_for(spec)
            editor.setToolTip(spec.description)
            label = QLabel(spec.description)
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.editors[spec.key] = editor
            form.addRow(label, editor)
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
        layout.addWidget(theme)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.tasks.start(self.load())

    async def load(self) -> None:
        """Read every setting into its editor."""
        self.loaded = await self.ctx.engine.run(read_all_settings())
        for key, value in self.loaded.items():
            if key in self.editors:
                set_editor(self.editors[key], value)

    def changes(self) -> dict[str, Any]:
        """Settings whose editor differs from the stored value."""
        return {
            key: editor_value(editor)
            for key, editor in self.editors.items()
            if editor_value(editor) != self.loaded.get(key)
        }

    def save(self) -> None:
        """Write the changed settings."""
        changes = self.changes()

        async def run() -> None:
            try:
                for key, value in changes.items():
                    await self.ctx.engine.run(write_setting(key, value))
                    self.loaded[key] = value
            except Exception as error:
                if not is_expected(error):
                    raise
                self.status.setText(user_message(error))
                return
            self.status.setText(
                f"Saved {len(changes)} setting(s). Endpoint changes apply at the next start."
                if changes
                else "Nothing changed."
            )

        self.tasks.start(run())

    def shutdown(self) -> None:
        """Cancel work in progress."""
        self.tasks.cancel_all()
