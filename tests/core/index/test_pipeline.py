"""The walk's pipeline: page N+1 is read while page N is written, commits stay in order, and
a walk stopped anywhere (cancel, a failed read, a failed write) resumes from its checkpoint."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from app.core.index.database import IndexDatabase
from app.core.index.models import IndexState, StoreHandle
from app.core.index.runner import SyncRun
from app.core.index.store_index import OrderIndex, PreparedPage
from app.core.index.sync import READ_TASK, Cursor, Walk
from app.core.orderdesk import OrderDeskError
from app.sandbox import Fault
from tests.core.index.conftest import ORDERS, IndexBox

WAIT = 20.0  # generous: the machine may be busy


class WatchedIndex(OrderIndex):
    """An index that notes each commit and can hold a page's write until a condition holds.

    ``hold(page, until)`` makes the write of page ``page`` (1-based) wait in its worker thread
    until ``until()`` is true (or :data:`WAIT` passed), before it writes anything.
    """

    def __init__(self, db: IndexDatabase) -> None:
        super().__init__(db)
        self.commits: list[dict[str, str | None]] = []
        self.log: list[str] = []
        self.held: dict[int, Callable[[], bool]] = {}
        self.fail_page: int | None = None
        self.writing = threading.Event()

    def write_prepared(
        self,
        page: PreparedPage,
        meta: Mapping[str, str | None] | None = None,
        *,
        seen_at: float | None = None,
    ) -> int:
        number = len(self.commits) + 1
        self.writing.set()
        until = self.held.get(number)
        deadline = time.monotonic() + WAIT
        while until is not None and not until() and time.monotonic() < deadline:
            time.sleep(0.005)
        if until is not None and not until():
            self.log.append(f"page {number} waited in vain")
        if number == self.fail_page:
            raise sqlite3.OperationalError("disk I/O error")
        written = super().write_prepared(page, meta, seen_at=seen_at)
        self.commits.append(dict(meta or {}))
        self.log.append(f"commit {number}")
        return written


@pytest.fixture
def index(tmp_path: Path) -> WatchedIndex:
    return WatchedIndex(IndexDatabase.open("s1", tmp_path / "walk.sqlite3"))


def _reads(box: IndexBox) -> int:
    return box.remote.request_count("GET", "/orders")


def _walk_reads() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == READ_TASK]


async def _until(condition: Callable[[], bool]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not condition():
        assert loop.time() < deadline, "the walk never reached the expected point"
        await asyncio.sleep(0.01)


def _run(box: IndexBox, index: OrderIndex) -> SyncRun:
    def publish(phase: str, done: int, total: int, state: IndexState) -> None:
        pass

    store = StoreHandle("s1", box.client)
    return SyncRun(store, index, publish, overlap_seconds=60, reconcile_every=10**9)


async def test_the_next_page_is_read_while_a_page_is_written_and_commits_stay_in_order(
    box: IndexBox, index: WatchedIndex
) -> None:
    # Each page's write waits until the next page's read has reached Order Desk.
    index.held = {1: lambda: _reads(box) >= 2, 2: lambda: _reads(box) >= 3}
    walk = Walk(box.client, index, "full", lambda done, total: index.log.append(f"{done}"))

    result = await walk.run(Cursor(None))

    assert result.requests == _reads(box) == 3 and result.upserted == ORDERS
    assert index.log == ["commit 1", "500", "commit 2", "1000", "commit 3", "1200"]
    assert [c["walk_done"] for c in index.commits] == ["500", "1000", "1200"]
    rows = sorted(box.remote.rows.values(), key=lambda row: (row.updated, row.id))
    cursor = Cursor(None)
    for number, commit in enumerate(index.commits):
        page = rows[number * 500 : (number + 1) * 500]
        newest = page[-1].updated
        ties = sum(1 for row in page if row.updated == newest)
        cursor = Cursor(newest, ties + (cursor.ties if cursor.date == newest else 0))
        assert (commit["walk_date"], commit["walk_ties"]) == (str(newest), str(cursor.ties))
    assert index.count() == ORDERS and not _walk_reads()


async def test_cancel_while_a_page_is_written_and_the_next_read_in_flight_resumes(
    box: IndexBox, index: WatchedIndex
) -> None:
    # Page 2's read is held by Order Desk; the walk is cancelled while page 1 is written.
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=0))
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=WAIT))
    cancelled = threading.Event()
    index.held = {1: cancelled.is_set}
    task = asyncio.create_task(_run(box, index).run(full=False, reconcile=False))
    await _until(lambda: index.writing.is_set() and _reads(box) >= 2)

    task.cancel()
    cancelled.set()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert index.log == ["commit 1"] and index.count() == 500
    assert index.meta()["walk_done"] == "500" and not _walk_reads()
    box.server.clear_faults()
    box.remote.reset_counts()

    report = await _run(box, index).run(full=False, reconcile=False)

    assert report.mode == "resume" and _reads(box) == report.requests == 2
    assert index.count() == ORDERS and "walk_mode" not in index.meta()


async def test_a_read_that_fails_while_a_page_is_written_keeps_that_page(
    box: IndexBox, index: WatchedIndex
) -> None:
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=0))
    box.server.add_fault(Fault(kind="status", status=401, method="GET", path="/orders"))
    index.held = {1: lambda: _reads(box) >= 2}  # page 2's read fails during page 1's write

    with pytest.raises(OrderDeskError):
        await _run(box, index).run(full=False, reconcile=False)

    assert index.log == ["commit 1"] and index.meta()["walk_done"] == "500"
    assert index.meta()["last_error"] and not _walk_reads()
    box.remote.reset_counts()
    report = await _run(box, index).run(full=False, reconcile=False)
    assert report.mode == "resume" and _reads(box) == 2 and index.count() == ORDERS


async def test_a_write_that_fails_stops_the_read_running_ahead_and_resumes(
    box: IndexBox, index: WatchedIndex
) -> None:
    # Page 2's write fails once page 3's read has reached Order Desk (and is held there).
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", times=2))
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=WAIT))
    index.held = {2: lambda: _reads(box) >= 3}
    index.fail_page = 2

    with pytest.raises(sqlite3.OperationalError):
        await _run(box, index).run(full=False, reconcile=False)

    assert index.log == ["commit 1"] and index.meta()["walk_done"] == "500"
    assert not _walk_reads()  # the held read was stopped, not left behind
    box.server.clear_faults()
    box.remote.reset_counts()
    index.fail_page, index.held = None, {}

    report = await _run(box, index).run(full=False, reconcile=False)

    assert report.mode == "resume" and _reads(box) == 2 and index.count() == ORDERS
