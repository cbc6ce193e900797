"""orders_update costs GET + PUT under policy allow and says which version it merged on."""

from __future__ import annotations

from app.core.db.models import AuditEvent
from app.mcp.server import McpContext
from app.sandbox import DEMO_STORE_ID, SandboxServer
from tests.mcp.tools.conftest import connect


async def test_update_under_allow_costs_two_requests_and_names_its_base(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    od = sandbox.store(DEMO_STORE_ID)
    order_id = next(iter(od.orders))
    base = od.orders[order_id]["date_updated"]
    async with connect(app_ctx) as session:
        od.reset_counts()
        done = await session.ok(
            "orders_update", {"order_id": order_id, "changes": {"email": "two@example.com"}}
        )
    assert od.request_count() == 2
    assert (od.request_count("GET"), od.request_count("PUT")) == (1, 1)
    assert done["written"] is True and done["merged_on_version"] == base
    assert done["read_to_write_ms"] >= 0
    row = AuditEvent.get_by_id(done["activity_id"])
    assert row.state == "applied" and row.window_ms == done["read_to_write_ms"]


async def test_update_that_changes_nothing_costs_one_read(
    app_ctx: McpContext, sandbox: SandboxServer
) -> None:
    od = sandbox.store(DEMO_STORE_ID)
    order_id = next(iter(od.orders))
    email = od.orders[order_id]["email"]
    async with connect(app_ctx) as session:
        od.reset_counts()
        done = await session.ok(
            "orders_update", {"order_id": order_id, "changes": {"email": email}}
        )
    assert done["written"] is False and od.request_count() == 1
