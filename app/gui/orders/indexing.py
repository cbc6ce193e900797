"""The browser's side of the local order index: start a sync, follow its progress events,
switch the table to the index once it is ready. The syncs themselves are the services'
scheduled syncs (so the engine stops them cleanly at quit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from app.core.events import Event
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

if TYPE_CHECKING:
    from app.gui.orders.window import OrdersWindow

FINISHED_STATES = frozenset({"ready", "failed"})


class IndexFollower(QObject):
    """Starts syncs and turns ``sync.progress`` events into the window's progress bar."""

    def __init__(self, window: OrdersWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.tasks = TaskGroup()
        self.syncing = False

    def sync(self) -> None:
        """Sync the current store's index now."""
        store = self.window.current_store()
        if store is None or self.syncing:
            return
        self._begin(store.name)

        async def run() -> None:
            try:
                await self.ctx.services.local_orders.sync_now(store)
            except Exception as error:
                self._end()
                if not is_expected(error):
                    raise
                self.window.show_error(user_message(error))

        self.tasks.start(run())

    async def follow_if_running(self, store: Any) -> None:
        """Show progress when a scheduled sync of ``store`` is already building the index."""
        if await self.ctx.services.local_orders.syncing(store):
            self._begin(store.name)

    def cancel(self) -> None:
        """Stop the running sync of the current store (it resumes from its checkpoint later)."""
        store = self.window.current_store()
        if store is None or not self.syncing:
            return
        self.tasks.start(self.ctx.services.local_orders.cancel(store))
        self._end()
        self.window.show_error("Index sync stopped; it continues from where it was next time.")

    def _begin(self, name: str) -> None:
        self.syncing = True
        self.window.status.show_progress(True)
        self.window.show_error(f"Building the search index of {name}…")

    def _end(self) -> None:
        self.syncing = False
        self.window.status.show_progress(self.window.model.is_loading)

    def on_progress(self, event: Event) -> None:
        """Reflect a ``sync.progress`` event of the current store.

        The first build (or a sync the user asked for) shows progress; the quiet incremental
        syncs that follow each order change only refresh the folder counts when they finish.
        """
        key = self.window.store_key
        if key is None or event.store_id != key:
            return
        state = str(event.data.get("state", ""))
        done, total = int(event.data.get("done", 0)), int(event.data.get("total", 0))
        building = self.syncing or not self.window.source.uses_index(key)
        if state == "syncing" and event.data.get("phase") != "reconcile" and building:
            self.syncing = True
            self.window.status.show_progress(True, done, total)
            if total:
                self.window.show_error(f"Building the search index: {done:,} of {total:,}…")
            return
        if state not in FINISHED_STATES:
            return
        self.window.refresh_counts()
        if not self.syncing:
            return
        self._end()
        if state == "failed":
            self.window.show_error("The index sync failed; the list reads Order Desk live.")
            return
        self.window.show_error(f"Search index ready ({done:,} orders).")
        self.tasks.start(self._switch_to_index(event.store_id))

    async def _switch_to_index(self, key: str | None) -> None:
        if key is None or key != self.window.store_key:
            return
        was_using = self.window.source.uses_index(key)
        if await self.window.source.index_ready(key, refresh=True) and not was_using:
            self.window.model.refresh()
            self.window.refresh_counts()
