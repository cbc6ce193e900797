"""Folder counts and the store's order sources, recounted a moment after orders change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from app.gui.orders.filter_bar import FilterBar
from app.gui.orders.folders import FolderList
from app.gui.orders.source import OrderSource
from app.gui.orders.view import BrowserView
from app.gui.tasks import TaskGroup

COUNTS_DELAY_MS = 400
"""Changes arriving within this time are counted once."""


class FolderCounts(QObject):
    """Fills the folder list with counts and the filter bar with the store's sources.

    Args:
        view: Which store is shown, and its folders.
        source: Counts and sources (from the index, or one request per folder).
        folder_list: Where the counts are shown.
        filter_bar: Where the sources are offered.
        current_folder: The folder the table shows (None: all orders).
        report: Shows an expected error as a sentence, re-raises a bug.
        parent: Owning QObject (the window).
    """

    def __init__(
        self,
        view: BrowserView,
        source: OrderSource,
        folder_list: FolderList,
        filter_bar: FilterBar,
        current_folder: Callable[[], int | None],
        report: Callable[[Exception], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.source = source
        self.folder_list = folder_list
        self.filter_bar = filter_bar
        self.current_folder = current_folder
        self.report = report
        self.tasks = TaskGroup()
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNTS_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

    def fill(self, counts: dict[int | None, int]) -> None:
        """Show the store's folders with ``counts`` (empty: names only)."""
        self.folder_list.fill(self.view.folders, counts, self.current_folder())

    def soon(self) -> None:
        """Recount shortly (orders changed; several changes are counted once)."""
        self._timer.start()

    def refresh(self) -> None:
        """Recount orders per folder and offer the store's sources in the filter bar."""
        key = self.view.store_key
        if key is None or self._stopped:
            return

        async def count() -> None:
            try:
                counts = await self.source.folder_counts(key, self.view.folders)
                sources = await self.source.sources(key)
            except Exception as error:
                self.report(error)
                return
            if key == self.view.store_key:
                self.fill(counts)
                self.filter_bar.set_sources(sources)

        self.tasks.start(count())

    def labels(self) -> dict[int | None, str]:
        """Folder id -> the text shown in the folder list."""
        return self.folder_list.labels()

    def stop(self) -> None:
        """Count no more (the window is shutting down)."""
        self._stopped = True
        self._timer.stop()
        self.tasks.cancel_all()
