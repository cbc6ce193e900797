"""Bring an index up to date: the keyset walk over ``date_updated`` with checkpoints.

Why this walk: orders are read oldest-change first (``order_by=date_updated``, ascending) and
each page starts where the last one ended, by date (``modified_start_date`` = the newest
``date_updated`` seen) plus the number of orders already read within that same second
(``offset``). Unlike a plain offset walk, an order that changes during the walk cannot shift
the pages under us: it moves to the end and is read there, and deletions behind the cursor do
not matter. The cursor is committed with each page, so a crash or a cancel resumes from the
last committed page. The same walk started at "newest change we have, minus a small overlap"
is the incremental sync: 50 changed orders fit in one page, so it costs one request.

The walk is a pipeline one page deep: page N+1 is read (its cursor is known from page N's
records) and prepared for the index (rows, search text, packed records: Python work that holds
the GIL) while page N is written in a worker thread (SQLite, which mostly does not), so the
disk work hides behind the wait for the next request's token. Pages are still committed one at
a time and in order, each with the cursor after it; a read that is in flight when the walk
stops is simply redone on resume.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from app.core.index.store_index import OrderIndex, PreparedPage, prepare_page
from app.core.orderdesk import (
    Order,
    OrderDeskClient,
    OrderPage,
    format_datetime,
    to_datetime,
)
from app.core.orderdesk.parsing import MAX_PAGE_SIZE

T = TypeVar("T")
_IN_FLIGHT: set[asyncio.Future[Any]] = set()
Progress = Callable[[int, int], None]

OVERLAP_SECONDS = 60
READ_TASK = "order-index-walk-read"  # the name of a walk's page read running ahead of it
WALK_KEYS = ("walk_mode", "walk_date", "walk_ties", "walk_done", "walk_total")


async def in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run blocking index work in a worker thread; on cancel, let it finish first.

    A write transaction that already started is allowed to commit (or roll back) before the
    cancellation propagates, so the file is never left with a half-applied page.
    """
    future = asyncio.ensure_future(asyncio.to_thread(function, *args))
    _IN_FLIGHT.add(future)
    future.add_done_callback(_IN_FLIGHT.discard)
    return await to_the_end(future)


async def to_the_end(awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` to its end even when the caller is cancelled meanwhile.

    The cancellation propagates once it is done; what it raised then is dropped (the caller
    stopped listening; a page that was not committed is read again on resume).
    """
    future = asyncio.ensure_future(awaitable)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        if not future.cancelled():
            future.exception()
        raise


async def drain_threads() -> None:
    """Wait until no index work started by :func:`in_thread` on this loop is still running.

    Closing a SQLite connection while a worker thread uses it can crash the process, so the
    index is closed only after this returns.
    """
    loop = asyncio.get_running_loop()
    pending = [f for f in _IN_FLIGHT if f.get_loop() is loop and not f.done()]
    if pending:
        await asyncio.wait(pending)


def now_epoch() -> int:
    """The current UTC time in epoch seconds."""
    return int(datetime.now(UTC).timestamp())


@dataclass(frozen=True)
class Cursor:
    """Where a walk stands: the newest ``date_updated`` read and how many share that second.

    ``date`` is ``None`` before the first page of a full walk (no date filter at all).
    """

    date: int | None
    ties: int = 0

    def advance(self, orders: Sequence[Order]) -> Cursor:
        """The cursor after reading ``orders`` (in ascending ``date_updated`` order)."""
        if not orders:
            return self
        stamps = [_updated(order) for order in orders]
        newest = stamps[-1]
        ties = sum(1 for stamp in stamps if stamp == newest)
        if newest == self.date:
            ties += self.ties
        return Cursor(newest, ties)

    def as_meta(self) -> dict[str, str | None]:
        """The cursor as checkpoint metadata."""
        return {
            "walk_date": None if self.date is None else str(self.date),
            "walk_ties": str(self.ties),
        }

    @classmethod
    def from_meta(cls, meta: dict[str, str]) -> Cursor:
        """Read a checkpointed cursor back."""
        date = meta.get("walk_date")
        return cls(None if date is None else int(date), int(meta.get("walk_ties", "0")))


def _updated(order: Order) -> int:
    try:
        moment = to_datetime(order.raw.get("date_updated"))
    except ValueError:
        return 0
    return 0 if moment is None else int(moment.timestamp())


def stamp_text(epoch: int) -> str:
    """Epoch seconds as Order Desk's UTC ``YYYY-MM-DD HH:MM:SS``."""
    return format_datetime(datetime.fromtimestamp(epoch, UTC))


@dataclass(frozen=True)
class Read:
    """A page read ahead: when it was requested, the page, and its preparation for the index
    (:func:`~app.core.index.store_index.prepare_page`, running in a worker thread)."""

    sent: float
    page: OrderPage
    prepared: asyncio.Future[PreparedPage]


@dataclass
class WalkResult:
    """What a walk did."""

    requests: int = 0
    upserted: int = 0


class Walk:
    """One keyset walk over a store's orders, resumable from its checkpoint.

    Args:
        client: The store's client.
        index: The store's index.
        mode: ``full`` or ``incremental`` (kept in the checkpoint).
        progress: Called with ``(done, total)`` after each committed page.
    """

    def __init__(
        self, client: OrderDeskClient, index: OrderIndex, mode: str, progress: Progress
    ) -> None:
        self.client = client
        self.index = index
        self.mode = mode
        self.progress = progress
        self.result = WalkResult()

    async def run(self, cursor: Cursor, done: int = 0) -> WalkResult:
        """Walk from ``cursor`` to the newest order, committing each page with the cursor.

        The next page is requested before the current one is written (see the module notes).

        Args:
            cursor: Where to start (a fresh cursor or one read from the checkpoint).
            done: Orders already counted by an interrupted run (for progress).
        """
        total: int | None = None
        reading = self._read(cursor)
        try:
            while True:
                read = await reading
                page = read.page
                if total is None:
                    total = done + max(0, page.total_records - cursor.ties)
                cursor = cursor.advance(page.records)
                done += len(page.records)
                total = max(total, done)
                if not page.is_last:
                    reading = self._read(cursor)
                self.result.upserted += await to_the_end(self._commit(read, done, total, cursor))
                self.progress(done, total)
                if page.is_last:
                    return self.result
        finally:
            await _abandon(reading)

    def _read(self, cursor: Cursor) -> asyncio.Task[Read]:
        """Start reading the page at ``cursor``; once it is in, its preparation starts too."""

        async def read() -> Read:
            sent = time.time()
            page = await self._fetch(cursor)
            raws = [order.raw for order in page.records]
            return Read(sent, page, asyncio.ensure_future(in_thread(prepare_page, raws)))

        return asyncio.create_task(read(), name=READ_TASK)

    async def _commit(self, read: Read, done: int, total: int, cursor: Cursor) -> int:
        """Write one page (once it is prepared) with the checkpoint after it; how many orders
        were written. A page in hand is committed even when the walk is cancelled meanwhile."""
        checkpoint: dict[str, str | None] = {
            "walk_mode": self.mode,
            "walk_done": str(done),
            "walk_total": str(total),
            **cursor.as_meta(),
        }
        prepared = await read.prepared
        return await in_thread(
            partial(self.index.write_prepared, prepared, checkpoint, seen_at=read.sent)
        )

    async def _fetch(self, cursor: Cursor) -> OrderPage:
        filters: dict[str, Any] = {"order_by": "date_updated", "order": "asc"}
        if cursor.date is not None:
            filters["modified_start_date"] = stamp_text(cursor.date)
        self.result.requests += 1
        return await self.client.list_orders(limit=MAX_PAGE_SIZE, offset=cursor.ties, **filters)


async def _abandon(reading: asyncio.Future[Any]) -> None:
    """Stop a read (and its preparation) the walk no longer needs, and wait for it; it is
    redone on resume. Its failure is not the walk's."""
    if not reading.done():
        reading.cancel()
    await asyncio.wait([reading])
    if reading.cancelled() or reading.exception() is not None:
        return
    result = reading.result()
    if isinstance(result, Read):
        await _abandon(result.prepared)


def start_cursor(mode: str, newest_update: int | None, overlap: int = OVERLAP_SECONDS) -> Cursor:
    """Where a fresh walk begins: the start for ``full``, the newest change minus ``overlap``."""
    if mode == "full" or newest_update is None:
        return Cursor(None)
    return Cursor(max(0, newest_update - overlap))
