"""The column chooser: right-click the order table's header to show or hide columns.

The hidden columns are kept in the ``orders.hidden_columns`` setting (a JSON list of column
keys), so every order window opens with the columns the user chose last.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from app.core.services.app_settings import SettingsService
from app.gui.errors import is_expected
from app.gui.orders.table_model import COLUMNS
from app.gui.tasks import TaskGroup

HIDDEN_COLUMNS = "orders.hidden_columns"
KEYS = tuple(key for key, _ in COLUMNS)


def parse_hidden(text: object) -> set[str]:
    """The known column keys in a stored JSON list; anything unreadable hides nothing, and
    at least one column always stays visible."""
    try:
        value = json.loads(str(text))
    except ValueError:
        return set()
    hidden = {key for key in value if key in KEYS} if isinstance(value, list) else set()
    return hidden if len(hidden) < len(KEYS) else set()


def dump_hidden(hidden: Iterable[str]) -> str:
    """The setting's JSON text for ``hidden`` (in column order)."""
    chosen = set(hidden)
    return json.dumps([key for key in KEYS if key in chosen])


class ColumnChooser(QObject):
    """Shows, hides and remembers the order table's columns.

    Args:
        table: The order table (its header gets the menu).
        settings: The settings service (through the engine proxy).
        parent: Owner of the menu.
    """

    def __init__(self, table: QTableView, settings: SettingsService, parent: QWidget) -> None:
        super().__init__(parent)
        self.table = table
        self.settings = settings
        self.tasks = TaskGroup()
        self.menu = QMenu("Columns", parent)
        self.actions_: dict[str, QAction] = {}
        for column, (key, title) in enumerate(COLUMNS):
            action = self.menu.addAction(title)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda shown, column=column: self._toggled(column, shown))
            self.actions_[key] = action
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._show_menu)
        self.tasks.start(self._load())

    def hidden(self) -> set[str]:
        """Keys of the hidden columns."""
        return {key for column, key in enumerate(KEYS) if self.table.isColumnHidden(column)}

    def _show_menu(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        self.menu.popup(header.mapToGlobal(position))

    def _toggled(self, column: int, shown: bool) -> None:
        if not shown and len(self.hidden()) >= len(KEYS) - 1:
            self.actions_[KEYS[column]].setChecked(True)  # the last visible column stays
            return
        self.table.setColumnHidden(column, not shown)
        self.tasks.start(self._save())

    def _apply(self, hidden: set[str]) -> None:
        for column, key in enumerate(KEYS):
            action = self.actions_[key]
            action.blockSignals(True)
            action.setChecked(key not in hidden)
            action.blockSignals(False)
            self.table.setColumnHidden(column, key in hidden)

    async def _load(self) -> None:
        try:
            stored = await self.settings.get(HIDDEN_COLUMNS)
        except Exception as error:
            if not is_expected(error):
                raise
            return
        self._apply(parse_hidden(stored))

    async def _save(self) -> None:
        try:
            await self.settings.set(HIDDEN_COLUMNS, dump_hidden(self.hidden()))
        except Exception as error:
            if not is_expected(error):
                raise
