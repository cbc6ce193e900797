"""The first uses of a store's index may come at once (a scheduled sync and a search)."""

from __future__ import annotations

import asyncio

from app.sandbox import Fault
from tests.core.index.conftest import ORDERS, IndexBox


async def test_concurrent_first_opens_create_the_file_once(box: IndexBox) -> None:
    search, stats, report = await asyncio.gather(
        box.service.search(box.store, "anything"),
        box.service.stats(box.store),
        box.service.sync(box.store),
    )

    assert search.total >= 0 and stats.count >= 0
    assert report.mode == "full" and report.upserted == ORDERS
    assert (await box.service.status(box.store)).count == ORDERS


async def test_aclose_during_a_direct_sync_waits_for_it(box: IndexBox) -> None:
    """Closing the service while a sync() is mid-walk cancels it and closes nothing in use."""
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=0.3, times=1))
    sync = asyncio.ensure_future(box.service.sync(box.store))
    deadline = asyncio.get_running_loop().time() + 5
    while box.remote.request_count("GET", "/orders") == 0:
        assert asyncio.get_running_loop().time() < deadline, "the sync never started"
        await asyncio.sleep(0.01)
    await box.service.aclose()
    assert sync.done()
    assert sync.cancelled() or sync.exception() is not None
