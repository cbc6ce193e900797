"""Sync: full walk cost, incremental cost, changes during the walk, reconciliation, cancel."""

from __future__ import annotations

import asyncio
import math

import pytest

from app.core.events import SYNC_PROGRESS, Event
from app.core.index import IndexState, SearchFilters
from app.core.orderdesk import OrderDeskError
from app.sandbox import Fault
from tests.core.index.conftest import ORDERS, IndexBox


async def test_full_sync_reads_every_order_in_one_request_per_page(box: IndexBox) -> None:
    report = await box.service.sync(box.store)

    assert report.mode == "full"
    assert box.order_requests() == math.ceil(ORDERS / 500) == report.requests
    status = await box.service.status(box.store)
    assert status.count == ORDERS
    assert status.state is IndexState.READY
    assert status.last_synced_at is not None


async def test_incremental_sync_after_50_changes_costs_at_most_two_requests(
    synced: IndexBox,
) -> None:
    changed = list(synced.remote.orders)[100:150]
    for order_id in changed:
        synced.remote.edit_order(order_id, {"email": f"moved-{order_id}@example.com"})

    report = await synced.service.sync(synced.store)

    assert report.mode == "incremental"
    assert synced.order_requests() <= 2
    assert synced.order_requests() == report.requests
    found = await synced.service.search(synced.store, "moved", limit=100)
    assert {row.id for row in found.rows} == set(changed)


async def test_incremental_sync_sees_new_orders(synced: IndexBox) -> None:
    created = await synced.client.create_order(
        {
            "source_id": "NEW-7",
            "shipping": {"first_name": "Quentin", "last_name": "Zephyrine"},
            "order_items": [{"name": "Thing", "code": "THING-1", "price": "5", "quantity": 1}],
        }
    )
    await synced.service.sync(synced.store)

    found = await synced.service.search(synced.store, "zephyrine")
    assert [row.id for row in found.rows] == [created.id]


async def test_an_order_changed_during_the_walk_is_not_missed(box: IndexBox) -> None:
    first_id = sorted(box.remote.orders, key=int)[0]
    # Right after page 1 is served, someone edits an order that page 1 already delivered.
    box.server.add_fault(
        Fault(
            kind="concurrent_edit",
            method="GET",
            path="/orders",
            order_id=first_id,
            changes={"email": "late-edit@example.com"},
        )
    )
    await box.service.sync(box.store)

    assert (await box.service.status(box.store)).count == ORDERS
    found = await box.service.search(box.store, "late-edit")
    assert [row.id for row in found.rows] == [first_id]


async def test_orders_deleted_elsewhere_vanish_after_reconciliation(synced: IndexBox) -> None:
    ids = sorted(synced.remote.orders, key=int)
    gone = [ids[10], ids[11], ids[700]]
    for order_id in gone:
        del synced.remote.orders[order_id]

    report = await synced.service.sync(synced.store, reconcile=True)

    assert report.reconciled and report.deleted == 3
    assert (await synced.service.status(synced.store)).count == ORDERS - 3
    for order_id in gone:
        assert (await synced.service.search(synced.store, order_id)).total == 0
    # One walk page, then counts and at most one page per disagreeing range.
    assert synced.order_requests() == report.requests <= 1 + 2 * 6


async def test_reconciliation_of_a_consistent_index_costs_one_request(synced: IndexBox) -> None:
    report = await synced.service.sync(synced.store, reconcile=True)

    assert report.deleted == 0
    assert synced.order_requests() == 2  # the incremental page + one count


async def test_progress_events_report_done_and_total(box: IndexBox) -> None:
    events: list[Event] = []
    box.hub.subscribe(events.append)

    await box.service.sync(box.store)

    progress = [e for e in events if e.kind == SYNC_PROGRESS and e.store_id == "s1"]
    pages = [(e.data["done"], e.data["total"]) for e in progress if e.data["state"] == "syncing"]
    assert (500, ORDERS) in pages and (1000, ORDERS) in pages
    assert progress[-1].data["state"] == "ready"
    assert progress[-1].data["done"] == progress[-1].data["total"] == ORDERS


async def test_cancel_keeps_a_consistent_index_and_the_next_sync_resumes(box: IndexBox) -> None:
    # Page 1 goes through; page 2 is held back by the sandbox while we cancel.
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=0))
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=30))
    task = asyncio.create_task(box.service.sync(box.store))
    deadline = asyncio.get_running_loop().time() + 10
    while box.remote.request_count("GET", "/orders") < 2:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.01)

    assert await box.service.cancel("s1")
    with pytest.raises(asyncio.CancelledError):
        await task
    status = await box.service.status(box.store)
    assert status.count == 500
    assert status.state is IndexState.INTERRUPTED
    box.server.clear_faults()
    box.remote.reset_counts()

    report = await box.service.sync(box.store)

    assert report.mode == "resume"
    assert box.order_requests() == 2  # pages 2 and 3 only
    assert (await box.service.status(box.store)).count == ORDERS


async def test_a_failed_sync_keeps_its_checkpoint_and_resumes(box: IndexBox) -> None:
    # Page 1 goes through, page 2 fails with an error that is not retried.
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=0))
    box.server.add_fault(Fault(kind="status", status=401, method="GET", path="/orders"))

    with pytest.raises(OrderDeskError):
        await box.service.sync(box.store)
    status = await box.service.status(box.store)
    assert status.count == 500
    assert status.state is IndexState.FAILED and status.last_error
    box.remote.reset_counts()

    report = await box.service.sync(box.store)

    assert report.mode == "resume"
    assert box.order_requests() == 2  # pages 2 and 3 only
    status = await box.service.status(box.store)
    assert status.count == ORDERS and status.state is IndexState.READY


async def test_full_resync_of_a_filled_index_also_reconciles(synced: IndexBox) -> None:
    victim = sorted(synced.remote.orders, key=int)[5]
    del synced.remote.orders[victim]

    report = await synced.service.sync(synced.store, full=True)

    assert report.mode == "full" and report.reconciled and report.deleted == 1
    everything = await synced.service.search(synced.store, "", SearchFilters(), limit=0)
    assert everything.total == ORDERS - 1
