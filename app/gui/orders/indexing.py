"""The browser's side of the local order index: start a sync, follow its progress events,
switch the table to the index once it is ready. The syncs themselves are the services'
scheduled syncs (so the engine stops them cleanly at quit)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.events import Event
from app.core.index import IndexState
from app.core.services import Services, StoreRecord
from app.gui.errors import is_expected, user_message
from app.gui.orders.source import OrderSource
from app.gui.orders.status_bar import LoadStatus, index_state_text, sync_progress_text
from app.gui.orders.view import BrowserView
from app.gui.tasks import TaskGroup

FINISHED_STATES = frozenset({"ready", "failed"})


class IndexFollower(QObject):
    """Starts syncs and turns ``sync.progress`` events into the status bar's progress.

    Args:
        services: The services facade (through the GUI's engine proxy).
        view: Which store is shown, and the status line.
        source: Knows whether the browser reads the index.
        status: The status bar's progress and cancel button.
        is_loading: Whether the table is loading a page (its progress keeps showing).
        parent: Owning QObject (the window).
    """

    counts_stale = Signal()
    """A sync finished: folder counts and sources may have changed."""
    index_ready = Signal()
    """The shown store's index became ready: the list can now read it."""

    def __init__(
        self,
        services: Services,
        view: BrowserView,
        source: OrderSource,
        status: LoadStatus,
        is_loading: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.view = view
        self.source = source
        self.status = status
        self.is_loading = is_loading
        self.tasks = TaskGroup()
        self.syncing = False

    def sync(self) -> None:
        """Sync the current store's index now."""
        store = self.view.current_store()
        if store is None or self.syncing:
            return
        self._begin(store.name)

        async def run() -> None:
            try:
                await self.services.local_orders.sync_now(store)
            except Exception as error:
                self._end()
                if not is_expected(error):
                    raise
                self.view.show_error(user_message(error))

        self.tasks.start(run())

    async def show_state(self, store: StoreRecord) -> None:
        """Say where ``store``'s own index stands; follow a first sync that is building it.

        Called when the browser shows ``store``: the line never keeps another store's state.
        """
        self._end()
        try:
            status = await self.services.local_orders.status(store)
        except Exception as error:
            if not is_expected(error):
                raise
            self.status.show_index("")
            return
        if store.key != self.view.store_key:
            return
        self.status.show_index(index_state_text(status))
        if status.state == IndexState.SYNCING and not self.source.uses_index(store.key):
            self._begin(store.name)

    def cancel(self) -> None:
        """Stop the running sync of the current store (it resumes from its checkpoint later)."""
        store = self.view.current_store()
        if store is None or not self.syncing:
            return
        self.tasks.start(self.services.local_orders.cancel(store))
        self._end()
        self.view.show_error("Index sync stopped; it continues from where it was next time.")

    def _begin(self, name: str) -> None:
        self.syncing = True
        self.status.show_progress(True)
        self.view.show_error(f"Building the search index of {name}…")

    def _end(self) -> None:
        self.syncing = False
        self.status.show_progress(self.is_loading())

    def on_progress(self, event: Event) -> None:
        """Reflect a ``sync.progress`` event of the current store.

        The first build (or a sync the user asked for) shows progress; the quiet incremental
        syncs that follow each order change only refresh the folder counts when they finish.
        """
        key = self.view.store_key
        if key is None or event.store_id != key:
            return
        state = str(event.data.get("state", ""))
        done, total = int(event.data.get("done", 0)), int(event.data.get("total", 0))
        building = self.syncing or not self.source.uses_index(key)
        if state == "syncing" and event.data.get("phase") != "reconcile" and building:
            self.syncing = True
            self.status.show_progress(True, done, total)
            if total:
                self.status.show_index(sync_progress_text(done, total))
                self.view.show_error(
                    "The list reads Order Desk live (newest first) until the index is built."
                )
            return
        if state in FINISHED_STATES:
            self._finished(key, state)

    def _finished(self, key: str, state: str) -> None:
        self.counts_stale.emit()
        following, store = self.syncing, self.view.current_store()
        self._end()
        if store is not None:
            self.tasks.start(self._after_sync(store, following and state == "ready"))

    async def _after_sync(self, store: StoreRecord, announce: bool) -> None:
        """Show the store's new index state; switch the list to the index when it became
        ready (the list refreshes itself: no F5 needed)."""
        key = store.key
        was_using = self.source.uses_index(key)
        ready = await self.source.index_ready(key, refresh=True)
        if key != self.view.store_key:
            return
        status = await self.services.local_orders.status(store)
        if key != self.view.store_key:
            return
        self.status.show_index(index_state_text(status))  # "Search index ready (N orders)"
        switched = ready and not was_using
        if announce:
            self.view.show_error(
                "The index is built: the list, search and counts now read it."
                if switched
                else "The search index is up to date."
            )
        if switched:
            self.index_ready.emit()
