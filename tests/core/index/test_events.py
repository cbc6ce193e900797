"""Hub wiring: order writes trigger an incremental sync; periodic syncs on the loop."""

from __future__ import annotations

import asyncio
import time

from app.core.events import ORDER_CHANGED, ORDER_DELETED, SYNC_PROGRESS, Event
from app.core.index import SearchFilters
from tests.core.index.conftest import ORDERS, IndexBox


def _ready_counter(box: IndexBox) -> asyncio.Queue[Event]:
    """A queue that receives every "index ready" event of store ``s1``."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Queue[Event] = asyncio.Queue()

    def on_event(event: Event) -> None:
        if event.kind == SYNC_PROGRESS and event.data.get("state") == "ready":
            loop.call_soon_threadsafe(ready.put_nowait, event)

    box.hub.subscribe(on_event)
    return ready


async def test_order_changed_events_trigger_one_incremental_sync(synced: IndexBox) -> None:
    synced.service.attach(synced.hub, asyncio.get_running_loop())
    ready = _ready_counter(synced)
    order_id = sorted(synced.remote.orders, key=int)[9]
    synced.remote.edit_order(order_id, {"email": "evented@example.com"})

    for _ in range(5):  # a burst of writes shares one sync
        synced.hub.publish(Event.of(ORDER_CHANGED, "s1", order_id=order_id))
    await asyncio.wait_for(ready.get(), 10)

    assert synced.order_requests() == 1
    found = await synced.service.search(synced.store, "evented")
    assert [row.id for row in found.rows] == [order_id]


async def test_order_deleted_event_drops_the_order_at_once(synced: IndexBox) -> None:
    synced.service.attach(synced.hub, asyncio.get_running_loop())
    ready = _ready_counter(synced)
    order_id = sorted(synced.remote.orders, key=int)[11]
    del synced.remote.orders[order_id]

    synced.hub.publish(Event.of(ORDER_DELETED, "s1", order_id=order_id))
    await asyncio.wait_for(ready.get(), 10)

    assert (await synced.service.search(synced.store, order_id)).total == 0
    assert (await synced.service.status(synced.store)).count == ORDERS - 1


async def test_schedule_runs_incremental_syncs_until_unscheduled(synced: IndexBox) -> None:
    ready = _ready_counter(synced)

    synced.service.schedule(synced.store, every=0.05)
    for _ in range(3):
        await asyncio.wait_for(ready.get(), 10)
    synced.service.unschedule("s1")

    assert synced.order_requests() >= 3
    assert (await synced.service.status(synced.store)).count == ORDERS


async def test_a_move_shows_in_folder_searches_at_once_and_reads_go_live(synced: IndexBox) -> None:
    order_id = sorted(synced.remote.orders, key=int)[12]
    in_folder = SearchFilters(folder_ids=(999,))

    assert await synced.service.moved(synced.store, [order_id], 999) == 1

    found = await synced.service.search(synced.store, filters=in_folder)
    assert [row.id for row in found.rows] == [order_id]
    assert synced.order_requests() == 0
    # Reads of the order itself go to Order Desk until the feed has read it again.
    assert await synced.service.raw_orders(synced.store, [order_id]) == {}


async def test_a_sync_after_changes_waits_for_the_spacing_since_the_last(
    synced: IndexBox,
) -> None:
    synced.service.attach(synced.hub, asyncio.get_running_loop())
    synced.service.spacing = 1.0
    ready = _ready_counter(synced)
    order_id = sorted(synced.remote.orders, key=int)[12]
    before = synced.order_requests()
    synced.hub.publish(Event.of(ORDER_CHANGED, "s1", order_id=order_id))
    await asyncio.wait_for(ready.get(), 10)  # the first change syncs after the debounce
    first = synced.service._change_synced["s1"]
    for _ in range(5):  # the next writes of a bulk job
        synced.hub.publish(Event.of(ORDER_CHANGED, "s1", order_id=order_id))
    await asyncio.wait_for(ready.get(), 10)
    assert time.monotonic() - first >= 1.0  # not before the spacing
    assert synced.order_requests() - before == 2  # one feed request for the five
