"""Audit rows, revert with its conflict check, duplicate-write refusal, events."""

from __future__ import annotations

import pytest

from app.core.events import ORDER_CHANGED, ORDER_DELETED, Event
from app.core.services import (
    DuplicateWriteError,
    OrderConflict,
    RevertError,
    Services,
    StoreRecord,
)
from app.sandbox import SandboxStore
from tests.core.services.conftest import first_order_id

NEW_ORDER = {
    "source_id": "WEB-5001",
    "source_name": "Order Desk",
    "email": "new.buyer@example.com",
    "shipping": {"first_name": "New", "last_name": "Buyer", "city": "Austin", "country": "US"},
    "order_items": [{"name": "Mug", "code": "MUG-1", "price": "10.00", "quantity": 1}],
}


async def test_update_writes_an_audit_row_with_before_and_after(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    old_city = od_store.orders[order_id]["shipping"]["city"]
    result = await services.orders.update(
        store, order_id, {"shipping": {"city": "Waco"}}, actor="mcp:claude"
    )
    page = await services.audit.query(store_id=store.id, actor="mcp:*", action="order.*")
    assert page.total == 1
    entry = page.entries[0]
    assert entry.id == result.audit_id and entry.ok
    assert (entry.action, entry.target, entry.actor) == (
        "order.update",
        f"order:{order_id}",
        "mcp:claude",
    )
    assert entry.before["shipping"]["city"] == old_city
    assert entry.after["shipping"]["city"] == "Waco"


async def test_revert_puts_the_fields_back(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    old = dict(od_store.orders[order_id]["shipping"])
    result = await services.orders.update(
        store, order_id, {"shipping": {"city": "Waco", "address2": None}}, actor="mcp:claude"
    )
    assert result.audit_id is not None
    undo = await services.audit.revert(result.audit_id, actor="gui")
    assert undo.action == "order.revert" and undo.actor == "gui" and undo.ok
    assert od_store.orders[order_id]["shipping"] == old


async def test_revert_refuses_when_the_order_changed_since(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    result = await services.orders.update(store, order_id, {"tag_name": "a"}, actor="gui")
    assert result.audit_id is not None
    od_store.edit_order(order_id, {"email": "later@example.com"})
    od_store.reset_counts()
    with pytest.raises(OrderConflict, match=r"changed since.*email"):
        await services.audit.revert(result.audit_id, actor="gui")
    assert od_store.request_count("PUT") == 0
    assert od_store.orders[order_id]["tag_name"] == "a"
    failed = (await services.audit.query(action="order.revert")).entries[0]
    assert failed.outcome.startswith("failed: Order")


async def test_only_updates_can_be_reverted(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    await services.orders.add_note(store, first_order_id(od_store), "called customer", actor="gui")
    entry = (await services.audit.query(action="order.note")).entries[0]
    with pytest.raises(RevertError, match="cannot be reverted"):
        await services.audit.revert(entry.id, actor="gui")
    with pytest.raises(RevertError, match="no activity entry #999"):
        await services.audit.revert(999, actor="gui")


async def test_repeated_note_is_refused_and_recorded(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    await services.orders.add_note(store, order_id, "Refund issued", actor="mcp:a")
    with pytest.raises(DuplicateWriteError, match=f"history note on order {order_id}"):
        await services.orders.add_note(store, order_id, " Refund issued ", actor="mcp:a")
    assert od_store.request_count("POST") == 1
    outcomes = [e.outcome for e in (await services.audit.query(action="order.note")).entries]
    assert outcomes[0].startswith("refused: ") and outcomes[1] == "ok"
    await services.orders.add_note(store, order_id, "Another note", actor="mcp:a")


async def test_repeated_shipment_tracking_is_refused(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    shipment = {"tracking_number": "1Z999AA10123456784", "carrier_code": "UPS"}
    added = await services.orders.add_shipment(store, order_id, shipment, actor="gui")
    assert added.tracking_number == "1Z999AA10123456784"
    with pytest.raises(DuplicateWriteError, match="shipment 1Z999AA10123456784"):
        await services.orders.add_shipment(store, order_id, shipment, actor="gui")
    with pytest.raises(DuplicateWriteError):
        await services.orders.add_shipments_batch(
            store, [{"order_id": order_id, **shipment}], actor="gui"
        )
    for _ in range(2):  # parcels without tracking are not guarded
        await services.orders.add_shipment(store, order_id, {"tracking_number": "n/a"}, actor="gui")


async def test_create_with_same_source_id_is_refused(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    events: list[Event] = []
    services.engine.hub.subscribe(events.append)
    created = await services.orders.create(store, NEW_ORDER, actor="mcp:a")
    assert created.source_id == "WEB-5001" and created.id in od_store.orders
    with pytest.raises(DuplicateWriteError, match="source_id 'WEB-5001'"):
        await services.orders.create(store, NEW_ORDER, actor="mcp:a")
    assert od_store.request_count("POST", "/orders") == 1
    entry = (await services.audit.query(action="order.create", limit=5)).entries[1]
    assert entry.target == f"order:{created.id}" and entry.before is None
    assert events[0].kind == ORDER_CHANGED and events[0].data["order_id"] == created.id


async def test_writes_publish_events_with_order_and_folder(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    events: list[Event] = []
    services.engine.hub.subscribe(events.append)
    order_id = first_order_id(od_store)
    await services.orders.update(store, order_id, {"tag_name": "x"}, actor="gui")
    await services.orders.move(store, [order_id], "Closed", actor="gui")
    await services.orders.delete(store, order_id, actor="gui")
    kinds = [(e.kind, e.data.get("action"), e.data.get("folder_id")) for e in events]
    folder = od_store.orders.get(order_id)
    assert folder is None
    assert kinds[0][0] == ORDER_CHANGED and kinds[0][2] is not None
    assert kinds[1] == (ORDER_CHANGED, "moved", 3)
    assert kinds[2][0] == ORDER_DELETED
    assert all(e.store_id == store.key for e in events)
    deleted = (await services.audit.query(action="order.delete")).entries[0]
    assert deleted.before["id"] == order_id and deleted.after is None


async def test_audit_query_pages_newest_first(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    for n in range(3):
        await services.orders.add_note(store, order_id, f"note {n}", actor="gui")
    page = await services.audit.query(action="order.note", limit=2)
    assert [e.after["note"] for e in page.entries] == ["note 2", "note 1"]
    assert page.total == 3 and page.next_offset == 2
    rest = await services.audit.query(action="order.note", limit=2, offset=2)
    assert [e.after["note"] for e in rest.entries] == ["note 0"] and rest.next_offset is None
    assert (await services.audit.query(actor="someone-else")).total == 0


async def test_a_bulk_job_has_one_row_per_order_under_one_batch_id(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    ids = list(od_store.orders)[:3]
    for order_id in ids:
        await services.orders.move(store, [order_id], "Closed", actor="gui", batch="b-1")
        await services.orders.add_note(store, order_id, "Packed.", actor="gui", batch="b-1")
    await services.orders.add_note(store, ids[0], "Single.", actor="gui")
    page = await services.audit.query(batch="b-1")
    assert page.total == 6 and all(e.batch == "b-1" and e.ok for e in page.entries)
    moved = [e.target for e in page.entries if e.action == "order.move"]
    assert sorted(moved) == sorted(f"orders:{i}" for i in ids)
    single = (await services.audit.query(limit=1)).entries[0]
    assert single.after["note"] == "Single." and single.batch is None
