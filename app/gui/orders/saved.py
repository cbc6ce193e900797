"""Named saved searches under the folder list: save the current search, click to run it again.

A saved search is the filter bar's values plus the folder; the list is kept in the
``orders.saved_searches`` setting (JSON), so it is there in every order window and after a
restart. Saving asks for a name (an existing name is replaced); Remove forgets the selected one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.services.app_settings import SettingsService
from app.gui.errors import is_expected, user_message
from app.gui.orders.filter_bar import FilterBar
from app.gui.orders.query import OrderQuery
from app.gui.orders.shortcuts import window_action
from app.gui.orders.view import BrowserView
from app.gui.tasks import TaskGroup

SAVED_SEARCHES = "orders.saved_searches"


class FolderView(BrowserView, Protocol):
    """The window as a part that changes the folder shown sees it."""

    def select_folder(self, folder_id: int | None) -> None:
        """Show one folder (None: all orders)."""
        ...


MAX_NAME = 60


@dataclass(frozen=True)
class SavedSearch:
    """A named search: the filter bar's values and the folder (None: all orders)."""

    name: str
    text: str = ""
    email: str = ""
    source: str = ""
    added_from: str = ""
    added_to: str = ""
    folder_id: int | None = None

    @classmethod
    def of(cls, name: str, query: OrderQuery) -> SavedSearch:
        """The search ``query`` shows, under ``name``."""
        return cls(
            name=name.strip()[:MAX_NAME], text=query.text, email=query.email,
            source=query.source,
            added_from=query.added_from.isoformat() if query.added_from else "",
            added_to=query.added_to.isoformat() if query.added_to else "",
            folder_id=query.folder_id,
        )  # fmt: skip

    def describe(self, folders: dict[int, str]) -> str:
        """What the search shows, e.g. ``"mug", from Etsy, in New``."""
        query = OrderQuery(
            text=self.text, email=self.email, source=self.source,
            added_from=self.day(self.added_from), added_to=self.day(self.added_to),
        )  # fmt: skip
        parts = [query.describe()] if query.describe() else []
        if self.folder_id is not None:
            parts.append(f"in {folders.get(self.folder_id, f'folder {self.folder_id}')}")
        return ", ".join(parts) or "all orders"

    def day(self, text: str) -> date | None:
        """A stored day (None when empty or unreadable)."""
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            return None


def parse_saved(text: object) -> list[SavedSearch]:
    """The saved searches in the setting's JSON (unreadable entries are skipped)."""
    try:
        value = json.loads(str(text))
    except ValueError:
        return []
    found: list[SavedSearch] = []
    for entry in value if isinstance(value, list) else []:
        search = _entry(entry)
        if search is not None:
            found.append(search)
    return found


def _entry(entry: Any) -> SavedSearch | None:
    if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
        return None
    folder = entry.get("folder_id")
    return SavedSearch(
        name=str(entry["name"]).strip()[:MAX_NAME],
        **{key: str(entry.get(key) or "") for key in
           ("text", "email", "source", "added_from", "added_to")},
        folder_id=folder if isinstance(folder, int) and not isinstance(folder, bool) else None,
    )  # fmt: skip


def dump_saved(searches: list[SavedSearch]) -> str:
    """The setting's JSON text of ``searches``."""
    return json.dumps([asdict(search) for search in searches], ensure_ascii=False)


def with_search(searches: list[SavedSearch], search: SavedSearch) -> list[SavedSearch]:
    """``searches`` with ``search`` added, replacing one of the same name (any case), sorted."""
    kept = [s for s in searches if s.name.casefold() != search.name.casefold()]
    return sorted([*kept, search], key=lambda s: s.name.casefold())


class SavedSearches(QObject):
    """The saved-search list, its Save/Remove buttons, and what clicking an entry does.

    Args:
        view: The shown store's folders, the status line, and the folder shown.
        settings: Where the list is kept (through the engine proxy).
        filter_bar: Set to a saved search's values when it is chosen.
        current_query: The search the table shows (what Save keeps).
        parent: Parent of the name dialog (the window).
    """

    def __init__(
        self,
        view: FolderView,
        settings: SettingsService,
        filter_bar: FilterBar,
        current_query: Callable[[], OrderQuery],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.view, self.settings, self.filter_bar = view, settings, filter_bar
        self.current_query = current_query
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.searches: list[SavedSearch] = []
        self.dialog: QInputDialog | None = None
        self.list = QListWidget()
        self.list.setMaximumWidth(220)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.save_button = QToolButton()
        self.save_button.setText("Save search…")
        self.save_button.setToolTip("Keep the current search and folder under a name (Ctrl+D)")
        self.save_button.clicked.connect(self.ask_name)
        self.remove_button = QToolButton()
        self.remove_button.setText("Remove")
        self.remove_button.setToolTip("Forget the selected saved search")
        self.remove_button.clicked.connect(self.remove_selected)
        self.action = window_action(parent, "Save search…", "Ctrl+D", self.ask_name)
        self.tasks.start(self._load())

    def pane(self, folder_list: QWidget) -> QWidget:
        """The left pane: the folder list, then the saved searches and their buttons."""
        pane = QWidget()
        column = QVBoxLayout(pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(folder_list, 3)
        column.addWidget(QLabel("Saved searches"))
        column.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        column.addLayout(buttons)
        return pane

    def names(self) -> list[str]:
        """The names listed, in order."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    # -- save and remove --------------------------------------------------------------------

    def ask_name(self) -> None:
        """Ask for a name, then save the current search under it."""
        dialog = self.dialog = QInputDialog(self.parent_widget)
        dialog.setWindowTitle("Save search")
        dialog.setLabelText("Name of this search:")
        dialog.setTextValue(self.current_query().describe()[:MAX_NAME])
        dialog.textValueSelected.connect(self.save_as)
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QInputDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def save_as(self, name: str) -> None:
        """Save the current search as ``name`` (replacing one of that name)."""
        if not name.strip():
            return
        self._store(with_search(self.searches, SavedSearch.of(name, self.current_query())))

    def remove_selected(self) -> None:
        """Forget the selected saved search."""
        item = self.list.currentItem()
        if item is not None:
            self._store([s for s in self.searches if s.name != item.text()])

    def _store(self, searches: list[SavedSearch]) -> None:
        self._show(searches)
        self.tasks.start(self._save(searches))

    # -- run --------------------------------------------------------------------------------

    def _activated(self, item: QListWidgetItem) -> None:
        search = next((s for s in self.searches if s.name == item.text()), None)
        if search is not None:
            self.run(search)

    def run(self, search: SavedSearch) -> None:
        """Show ``search``: its folder, then its filters."""
        self.view.select_folder(search.folder_id)
        bar = self.filter_bar
        bar.search.setText(search.text)
        bar.email.setText(search.email)
        bar.source.setEditText(search.source)
        bar.added_from.setDate(search.day(search.added_from))
        bar.added_to.setDate(search.day(search.added_to))
        bar.apply_now()

    # -- storage ----------------------------------------------------------------------------

    def _show(self, searches: list[SavedSearch]) -> None:
        self.searches = searches
        self.list.clear()
        for search in searches:
            item = QListWidgetItem(search.name)
            item.setToolTip(search.describe(self.view.folders))
            item.setData(Qt.ItemDataRole.UserRole, search.name)
            self.list.addItem(item)

    async def _load(self) -> None:
        try:
            self._show(parse_saved(await self.settings.get(SAVED_SEARCHES)))
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))

    async def _save(self, searches: list[SavedSearch]) -> None:
        try:
            await self.settings.set(SAVED_SEARCHES, dump_saved(searches))
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))
