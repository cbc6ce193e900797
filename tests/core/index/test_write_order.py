"""A page read before a write never undoes the write, whatever order they are stored in."""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

import pytest

from app.core.index.sync import in_thread
from tests.core.index.conftest import IndexBox


def _order(box: IndexBox, rank: int) -> dict[str, Any]:
    order_id = sorted(box.remote.orders, key=int)[rank]
    return copy.deepcopy(box.remote.orders[order_id])


async def _held(box: IndexBox, order_id: str) -> dict[str, Any]:
    index = box.service._indexes["s1"]  # the file itself, without the service's overlay
    return (await in_thread(index.raw_orders, [order_id]))[order_id]


async def test_an_earlier_record_with_the_same_date_updated_is_not_stored(synced: IndexBox) -> None:
    before = _order(synced, 3)
    after = {**before, "shipping": {**before["shipping"], "city": "Dallas"}}
    now = time.time()

    await synced.service.put_orders("s1", [after], seen_at=now)
    written = await synced.service.put_orders("s1", [before], seen_at=now - 1)

    assert written == 0
    assert (await _held(synced, str(before["id"])))["shipping"]["city"] == "Dallas"


async def test_an_earlier_record_with_a_newer_date_updated_is_stored(synced: IndexBox) -> None:
    kept = _order(synced, 4)
    newer = synced.remote.edit_order(kept["id"], {"shipping": {"city": "Tulsa"}})
    now = time.time()

    await synced.service.put_orders("s1", [kept], seen_at=now)
    await synced.service.put_orders("s1", [newer], seen_at=now - 1)

    assert (await _held(synced, str(kept["id"])))["shipping"]["city"] == "Tulsa"


async def test_a_sync_page_read_before_a_write_reply_does_not_undo_it(
    synced: IndexBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched, release = asyncio.Event(), asyncio.Event()
    real_list = synced.client.list_orders

    async def slow_first_page(*args: Any, **kwargs: Any) -> Any:
        page = await real_list(*args, **kwargs)
        if not fetched.is_set():
            fetched.set()
            await release.wait()
        return page

    monkeypatch.setattr(synced.client, "list_orders", slow_first_page)
    sync = asyncio.ensure_future(synced.service.sync(synced.store))
    await asyncio.wait_for(fetched.wait(), 10)
    # The change feed's one page holds the newest-updated order as it was; a write changes it.
    target = max(synced.remote.orders.values(), key=lambda o: (o["date_updated"], int(o["id"])))
    reply = synced.remote.edit_order(target["id"], {"shipping": {"city": "Dallas"}})
    await synced.service.put_orders("s1", [reply])
    release.set()
    await asyncio.wait_for(sync, 30)

    assert (await _held(synced, str(target["id"])))["shipping"]["city"] == "Dallas"
    raw = await synced.service.raw_orders("s1", [str(target["id"])])
    assert raw[str(target["id"])]["shipping"]["city"] == "Dallas"


async def test_a_listing_read_before_an_order_existed_does_not_remove_it(synced: IndexBox) -> None:
    created = {**_order(synced, 5), "id": 990001, "source_id": "NEW-1"}
    listed_at = time.time()
    await synced.service.put_orders("s1", [created], seen_at=listed_at + 0.5)
    index = synced.service._indexes["s1"]

    kept = await in_thread(lambda: index.delete_ids(["990001"], seen_before=listed_at))
    assert kept == 0
    removed = await in_thread(lambda: index.delete_ids(["990001"], seen_before=listed_at + 1))
    assert removed == 1
