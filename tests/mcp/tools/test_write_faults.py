"""Writing tools under faults injected below them (in the sandbox Order Desk): a client that
cancels mid-write (``notifications/cancelled``), a lost reply, a locked database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import peewee as pw

from app.core.db.models import AuditEvent
from app.mcp.server import McpContext
from app.sandbox import DEMO_STORE_ID, Fault, SandboxServer, SandboxStore
from tests.mcp.tools.conftest import connect

TRACKING = "9400111899223197428490"


def tracked(od: SandboxStore, order_id: str) -> list[dict[str, Any]]:
    return [
        s
        for s in od.orders[order_id].get("order_shipments") or []
        if s.get("tracking_number") == TRACKING
    ]


async def reached(od: SandboxStore, method: str) -> None:
    for _ in range(500):
        if od.request_count(method):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {method} reached the sandbox")


async def test_cancelled_call_then_retry_adds_one_shipment_and_records_it(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    od = sandbox.store(DEMO_STORE_ID)
    order_id = next(iter(od.orders))
    sandbox.add_fault(Fault(kind="delay", seconds=0.5, method="POST", path="/orders/*/shipments"))
    arguments = {"order_id": order_id, "tracking_number": TRACKING}
    async with connect(app_ctx) as session:
        od.reset_counts()
        first = asyncio.create_task(session.call("shipments_add", arguments))
        await reached(od, "POST")
        first.cancel()  # the SDK client abandons the call and sends notifications/cancelled
        await asyncio.gather(first, return_exceptions=True)
        retry = await session.ok("shipments_add", arguments)
    assert retry["already_added"] is True
    assert len(tracked(od, order_id)) == 1 and od.request_count("POST") == 1
    states = [r.state for r in AuditEvent.select().where(AuditEvent.action == "shipment.add")]
    assert states == ["applied", "refused"]


async def test_lost_reply_then_retry_tells_the_model_it_is_already_added(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    od = sandbox.store(DEMO_STORE_ID)
    order_id = next(iter(od.orders))
    sandbox.add_fault(Fault(kind="lost_reply", method="POST", path="/orders/*/order-history"))
    note = {"order_id": order_id, "note": "Parcel left the warehouse"}
    async with connect(app_ctx) as session:
        first = await session.error("order_history_add", note)
        assert "may have reached Order Desk" in first
        retry = await session.ok("order_history_add", note)
    assert retry["already_added"] is True
    history = od.orders[order_id].get("order_history") or []
    assert [h["note"] for h in history].count("Parcel left the warehouse") == 1


async def test_locked_database_reaches_the_model_as_a_sentence(
    app_ctx: McpContext, sandbox: SandboxServer, db: pw.SqliteDatabase
) -> None:
    od = sandbox.store(DEMO_STORE_ID)
    order_id = next(iter(od.orders))
    db.execute_sql("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(Path(db.database), timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        async with connect(app_ctx) as session:
            od.reset_counts()
            text = await session.error(
                "shipments_add", {"order_id": order_id, "tracking_number": TRACKING}
            )
    finally:
        other.rollback()
        other.close()
    assert text.startswith("Nothing was sent to Order Desk: the app's database is busy")
    assert "error id" not in text and od.request_count("POST") == 0
    assert not AuditEvent.select().where(AuditEvent.action == "shipment.add").exists()
