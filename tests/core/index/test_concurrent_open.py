"""The first uses of a store's index may come at once (a scheduled sync and a search)."""

from __future__ import annotations

import asyncio

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
