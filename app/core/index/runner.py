"""One sync run of one store: resume or walk (full / incremental), then maybe reconcile.

The run owns the bookkeeping around :class:`~app.core.index.sync.Walk` and
:class:`~app.core.index.reconcile.Reconciler`: which mode applies, the metadata written when
the walk completes (sync times, cleared checkpoint, last error) and progress reports.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.index.models import IndexedStore, IndexState, SyncReport
from app.core.index.reconcile import Reconciler
from app.core.index.store_index import OrderIndex
from app.core.index.sync import WALK_KEYS, Cursor, Walk, in_thread, now_epoch
from app.core.index.sync import start_cursor as walk_start
from app.core.orderdesk import OrderDeskError

Publish = Callable[[str, int, int, IndexState], None]


class SyncRun:
    """Bring one store's index up to date once.

    Args:
        store: The store (our id and its client).
        index: Its index.
        publish: Called with ``(phase, done, total, state)`` for progress events.
        overlap_seconds: How far before the newest known change an incremental walk starts.
        reconcile_every: Seconds between reconciliations run by incremental syncs.
    """

    def __init__(
        self,
        store: IndexedStore,
        index: OrderIndex,
        publish: Publish,
        *,
        overlap_seconds: int,
        reconcile_every: float,
    ) -> None:
        self.store = store
        self.index = index
        self.publish = publish
        self.overlap_seconds = overlap_seconds
        self.reconcile_every = reconcile_every

    async def run(self, full: bool, reconcile: bool | None) -> SyncReport:
        """Resume an interrupted walk, else walk fully or incrementally; then maybe reconcile."""
        index = self.index
        meta = await in_thread(index.meta)
        mode, walk_mode, cursor, done = await self._start(meta, full)
        self.publish(walk_mode, done, 0, IndexState.SYNCING)
        walk = Walk(self.store.client, index, walk_mode, self._progress(walk_mode))
        try:
            await walk.run(cursor, done)
        except OrderDeskError as exc:
            await in_thread(index.set_meta, {"last_error": str(exc)})
            self.publish(walk_mode, done, 0, IndexState.FAILED)
            raise
        fresh_full = walk_mode == "full" and "last_sync_at" not in meta
        await self._finish(walk_mode, fresh_full)
        report = SyncReport(
            mode, walk.result.requests, walk.result.upserted, 0, index.db.rebuilt, False
        )
        if self._reconcile_due(meta, walk_mode, fresh_full, reconcile):
            report = await self._reconcile(report)
        index.db.rebuilt = False
        total = await in_thread(index.count)
        self.publish(walk_mode, total, total, IndexState.READY)
        return report

    async def _start(self, meta: dict[str, str], full: bool) -> tuple[str, str, Cursor, int]:
        """Return ``(report mode, walk mode, cursor, orders already done)``."""
        if "walk_mode" in meta:
            return "resume", meta["walk_mode"], Cursor.from_meta(meta), int(meta["walk_done"])
        count = await in_thread(self.index.count)
        empty = count == 0 and "last_sync_at" not in meta
        mode = "full" if full or empty or self.index.db.rebuilt else "incremental"
        newest = await in_thread(self.index.max_updated)
        return mode, mode, walk_start(mode, newest, self.overlap_seconds), 0

    async def _finish(self, walk_mode: str, fresh_full: bool) -> None:
        """Clear the checkpoint and record the sync times (a fresh full walk counts as a
        reconciliation too)."""
        finished = str(now_epoch())
        finish: dict[str, str | None] = dict.fromkeys(WALK_KEYS)
        finish.update({"last_sync_at": finished, "last_error": None})
        if walk_mode == "full":
            finish["last_full_sync_at"] = finished
        if fresh_full:
            finish["last_reconciled_at"] = finished
        await in_thread(self.index.set_meta, finish)
        if walk_mode == "full":
            await in_thread(self.index.compact_wal)

    def _reconcile_due(
        self, meta: dict[str, str], walk_mode: str, fresh_full: bool, forced: bool | None
    ) -> bool:
        if forced is not None:
            return forced
        if fresh_full:
            return False
        if walk_mode == "full":
            return True
        last = int(meta.get("last_reconciled_at", "0"))
        return now_epoch() - last >= self.reconcile_every

    async def _reconcile(self, report: SyncReport) -> SyncReport:
        store, index = self.store, self.index
        reconciler = Reconciler(store.client, index, self._progress("reconcile"))
        result = await reconciler.run()
        await in_thread(index.set_meta, {"last_reconciled_at": str(now_epoch())})
        return SyncReport(
            report.mode,
            report.requests + result.requests,
            report.upserted + result.upserted,
            result.deleted,
            report.rebuilt,
            True,
        )

    def _progress(self, phase: str) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            self.publish(phase, done, total, IndexState.SYNCING)

        return report
