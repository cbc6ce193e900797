"""The write ledger under faults injected in the sandbox (below the services and the tools):
lost replies, replies after our timeout, a cancelled caller, a locked database."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from app.core.db.models import AuditEvent
from app.core.engine import Engine
from app.core.events import ACTIVITY_RECORDED, Event
from app.core.orderdesk import OrderDeskError
from app.core.services import Services, StoreRecord
from app.core.services.errors import AlreadyApplied, WriteInDoubt, WriteNotRecorded
from app.core.services.ledger import idem_key
from app.sandbox import Fault, SandboxServer, SandboxStore
from tests.core.secrets.memory_keyring import MemoryKeyring
from tests.core.services.conftest import (
    API_KEY,
    STORE_ID,
    STORE_NAME,
    first_order_id,
    make_services,
)

TRACKING = "1Z999AA10123456784"
SHIPMENT_PATH = "/orders/*/shipments"
NOTE_PATH = "/orders/*/order-history"


@pytest.fixture
async def quick(
    db: pw.SqliteDatabase, test_keyring: MemoryKeyring, sandbox: SandboxServer
) -> AsyncIterator[tuple[Services, StoreRecord]]:
    """Services whose Order Desk requests time out after 0.5 s, with the store registered."""
    built = make_services(Engine(), timeout=0.5)
    store = await built.stores.register(
        STORE_NAME, STORE_ID, API_KEY, sandbox.base_url, actor="test"
    )
    sandbox.store(STORE_ID).reset_counts()
    yield built, store
    await built.local_orders.aclose()
    await built.index.aclose()
    await built.pool.aclose()


def shipments_with(od_store: SandboxStore, order_id: str, tracking: str) -> list[dict[str, Any]]:
    """The sandbox's shipments of the order carrying ``tracking``."""
    shipments = od_store.orders[order_id].get("order_shipments") or []
    return [s for s in shipments if s.get("tracking_number") == tracking]


def notes_with(od_store: SandboxStore, order_id: str, text: str) -> list[dict[str, Any]]:
    """The sandbox's history entries of the order with the note ``text``."""
    history = od_store.orders[order_id].get("order_history") or []
    return [h for h in history if h.get("note") == text]


async def reached(od_store: SandboxStore, method: str) -> None:
    """Return once a ``method`` request has reached the sandbox (polling with a deadline)."""
    for _ in range(500):
        if od_store.request_count(method):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {method} reached the sandbox")


def rows(action: str) -> list[AuditEvent]:
    """Ledger rows of ``action``, oldest first."""
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


async def test_lost_reply_then_retry_adds_one_shipment(
    quick: tuple[Services, StoreRecord], sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    services, store = quick
    order_id = first_order_id(od_store)
    sandbox.add_fault(Fault(kind="lost_reply", method="POST", path=SHIPMENT_PATH))
    shipment = {"tracking_number": TRACKING, "carrier_code": "UPS"}
    with pytest.raises(OrderDeskError, match="may have reached Order Desk"):
        await services.orders.add_shipment(store, order_id, shipment, actor="mcp:ai")
    assert [r.state for r in rows("shipment.add")] == ["unknown"]

    with pytest.raises(AlreadyApplied, match=r"Already added: shipment \d+") as first:
        await services.orders.add_shipment(store, order_id, shipment, actor="mcp:ai")

    assert len(shipments_with(od_store, order_id, TRACKING)) == 1
    assert od_store.request_count("POST") == 1
    row = rows("shipment.add")[0]
    assert row.state == "applied" and row.id == first.value.entry_id
    assert row.verified is not None and f"tracking {TRACKING}" in row.verified
    stored = shipments_with(od_store, order_id, TRACKING)[0]
    assert first.value.result.id == str(stored["id"])  # type: ignore[attr-defined]


async def test_reply_after_our_timeout_then_retry_adds_one_note(
    quick: tuple[Services, StoreRecord], sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    services, store = quick
    order_id = first_order_id(od_store)
    late = sandbox.add_fault(Fault(kind="delay", seconds=1.0, method="POST", path=NOTE_PATH))
    with pytest.raises(OrderDeskError, match="may have reached Order Desk"):
        await services.orders.add_note(store, order_id, "Refund issued", actor="mcp:ai")
    assert late.fired == 1 and rows("order.note")[0].state == "unknown"
    await asyncio.sleep(1.0)  # Order Desk applies it after our 0.5 s timeout

    with pytest.raises(AlreadyApplied, match="Already added"):
        await services.orders.add_note(store, order_id, "Refund issued", actor="mcp:ai")

    assert len(notes_with(od_store, order_id, "Refund issued")) == 1
    row = rows("order.note")[0]
    assert row.state == "applied" and "history has the note" in (row.verified or "")


async def test_an_unknown_write_that_did_not_happen_is_sent_once_more(
    quick: tuple[Services, StoreRecord], sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    services, store = quick
    order_id = first_order_id(od_store)
    events: list[Event] = []
    services.engine.hub.subscribe(events.append)
    sandbox.add_fault(Fault(kind="drop", method="POST", path=NOTE_PATH))
    with pytest.raises(OrderDeskError):
        await services.orders.add_note(store, order_id, "Packed", actor="gui")
    first_id = rows("order.note")[0].id
    assert [e.data["id"] for e in events if e.kind == ACTIVITY_RECORDED] == [first_id]
    await services.orders.add_note(store, order_id, "Packed", actor="gui")
    assert len(notes_with(od_store, order_id, "Packed")) == 1
    first, second = rows("order.note")
    assert first.state == "refused" and "does not have the note" in (first.verified or "")
    assert second.state == "applied"


async def test_cancel_mid_write_then_retry_writes_once_and_records_it(
    services: Services, store: StoreRecord, sandbox: SandboxServer, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    sandbox.add_fault(Fault(kind="delay", seconds=0.5, method="POST", path=SHIPMENT_PATH))
    shipment = {"tracking_number": TRACKING}
    first = asyncio.create_task(
        services.orders.add_shipment(store, order_id, shipment, actor="mcp:ai")
    )
    await reached(od_store, "POST")
    first.cancel()  # what the MCP SDK does on notifications/cancelled
    with pytest.raises(asyncio.CancelledError):
        await first

    with pytest.raises(AlreadyApplied, match="Already added: shipment"):
        await services.orders.add_shipment(store, order_id, shipment, actor="mcp:ai")

    assert len(shipments_with(od_store, order_id, TRACKING)) == 1
    assert od_store.request_count("POST") == 1
    recorded = rows("shipment.add")
    assert recorded[0].state == "applied" and recorded[0].after_json is not None
    assert [r.state for r in recorded[1:]] == ["refused"]  # the retry, answered from the record


async def test_locked_database_sends_nothing_records_nothing_and_says_so(
    services: Services, store: StoreRecord, od_store: SandboxStore, db: pw.SqliteDatabase
) -> None:
    order_id = first_order_id(od_store)
    db.execute_sql("PRAGMA busy_timeout = 200")  # our wait for the lock (5 s in the app)
    before = AuditEvent.select().count()
    other = sqlite3.connect(Path(db.database), timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(WriteNotRecorded) as refused:
            await services.orders.add_note(store, order_id, "Call the buyer", actor="mcp:ai")
        with pytest.raises(WriteNotRecorded):
            await services.orders.add_shipment(
                store, order_id, {"tracking_number": TRACKING}, actor="mcp:ai"
            )
    finally:
        other.rollback()
        other.close()
    assert od_store.request_count("POST") == 0
    assert AuditEvent.select().count() == before
    assert str(refused.value).startswith("Nothing was sent to Order Desk: the app's database")
    assert "try again" in refused.value.action


async def test_update_records_its_get_to_put_window_and_costs_two_requests(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    done = await services.orders.update(store, order_id, {"email": "w@example.com"}, actor="gui")
    assert od_store.request_count() == 2
    row = rows("order.update")[0]
    assert row.state == "applied" and row.window_ms is not None and row.window_ms >= 0
    assert done.window_ms == pytest.approx(row.window_ms, abs=0.1)
    assert done.merged_on and row.before_json and done.merged_on in row.before_json


async def test_a_dead_process_in_flight_update_is_reconciled_by_reading_the_order(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    od_store.edit_order(order_id, {"email": "landed@example.com"})
    AuditEvent.create(
        actor="mcp:ai", store_id=store.id, action="order.update", target=f"order:{order_id}",
        outcome="in flight", state="in_flight", owner="999999999:dead",
        change_json='{"email": "landed@example.com"}',
    )  # fmt: skip
    settled = await services.writes.reconcile_open()
    assert [(r.state, r.verified) for r in settled] == [
        ("applied", f"order {order_id} holds the new values of email")
    ]


async def test_a_repeated_move_and_item_add_answer_from_the_record(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    moved = await services.orders.move(store, [order_id], 2, actor="mcp:ai")
    with pytest.raises(AlreadyApplied, match="Already moved") as again:
        await services.orders.move(store, [order_id], 2, actor="mcp:ai")
    assert again.value.result.moved == moved.moved  # type: ignore[attr-defined]
    item = {"name": "Gift wrap", "code": "WRAP", "price": "2.00", "quantity": 1}
    added = await services.orders.add_item(store, order_id, item, actor="gui")
    with pytest.raises(AlreadyApplied, match=f"item {added.id}"):
        await services.orders.add_item(store, order_id, item, actor="gui")
    assert od_store.request_count("POST") == 2


async def test_an_identical_write_in_flight_in_another_live_process_is_refused(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    key = idem_key(store.key, "order.note", f"order:{order_id}", {"note": "Packed"})
    AuditEvent.create(
        actor="gui", store_id=store.id, action="order.note", target=f"order:{order_id}",
        outcome="in flight", state="in_flight", owner=f"{os.getpid()}:tray", idem_key=key,
        change_json='{"note": "Packed"}',
    )  # fmt: skip
    with pytest.raises(WriteInDoubt, match="being sent right now by another"):
        await services.orders.add_note(store, order_id, "Packed", actor="mcp:ai")
    assert od_store.request_count("POST") == 0
    await services.orders.add_note(store, order_id, "Other note", actor="mcp:ai")  # not blocked


async def test_a_busy_database_after_sending_keeps_the_result_and_records_it_later(
    services: Services, store: StoreRecord, od_store: SandboxStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id = first_order_id(od_store)
    ledger, real = services.writes.ledger, services.writes.ledger.complete
    busy = [True]

    def complete(*args: Any, **kwargs: Any) -> Any:
        if busy.pop() if busy else False:
            raise pw.OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger, "complete", complete)
    await services.orders.add_note(store, order_id, "Shipped today", actor="gui")  # no error
    with pytest.raises(WriteInDoubt, match="not recorded yet"):
        await services.orders.add_note(store, order_id, "Shipped today", actor="gui")
    for _ in range(300):
        if rows("order.note")[0].state == "applied":
            break
        await asyncio.sleep(0.01)
    with pytest.raises(AlreadyApplied):
        await services.orders.add_note(store, order_id, "Shipped today", actor="gui")
    assert len(notes_with(od_store, order_id, "Shipped today")) == 1


async def test_reconciling_reads_for_create_delete_move_and_inventory(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    order = od_store.orders[order_id]
    item_id, item = next(iter(od_store.inventory.items()))

    def dead(action: str, target: str | None, change: str) -> None:
        AuditEvent.create(
            actor="gui", store_id=store.id, action=action, target=target, outcome="in flight",
            state="in_flight", owner="999999999:dead", change_json=change,
        )  # fmt: skip

    dead("order.create", None, f'{{"source_id": "{order["source_id"]}"}}')
    dead("order.delete", "order:999999999", "null")
    dead("order.delete", f"order:{order_id}", "null")
    dead("order.move", None, f'{{"order_ids": ["{order_id}"], "folder_id": {order["folder_id"]}}}')
    dead("inventory.update", f"inventory:{item_id}", f'{{"name": "{item["name"]}"}}')
    settled = await services.writes.reconcile_open()
    assert [(r.action, r.state) for r in settled] == [
        ("order.create", "applied"),
        ("order.delete", "applied"),
        ("order.delete", "refused"),
        ("order.move", "applied"),
        ("inventory.update", "applied"),
    ]
    assert settled[0].target == f"order:{order_id}"
    assert settled[2].verified == f"order {order_id} still exists"
    assert not services.writes.ledger.open_rows()
