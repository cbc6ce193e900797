"""shipments_update keeps the tracking link in step with the carrier and number (issue 11)."""

from __future__ import annotations

from app.mcp.server import McpContext
from app.mcp.shaping.tracking import link_changes, tracking_url_for
from tests.mcp.tools.conftest import connect

UPS_OLD, UPS_NEW = "1Z999AA10123456784", "1Z999AA10123456785"


def test_link_changes_follow_number_and_carrier() -> None:
    current = {
        "tracking_number": UPS_OLD,
        "carrier_code": "UPS",
        "tracking_url": tracking_url_for("UPS", UPS_OLD),
    }
    assert link_changes(current, {"cost": "1"}) == {"cost": "1"}
    new = link_changes(current, {"tracking_number": UPS_NEW})
    assert new["tracking_url"] == f"https://www.ups.com/track?tracknum={UPS_NEW}"
    fedex = link_changes(current, {"carrier_code": "fedex"})
    assert fedex["tracking_url"] == f"https://www.fedex.com/fedextrack/?trknbr={UPS_OLD}"
    assert link_changes(current, {"carrier_code": "Acme Post"})["tracking_url"] == ""
    mine = {"tracking_number": UPS_NEW, "tracking_url": "https://example.com/t"}
    assert link_changes(current, mine) == mine
    assert link_changes(current, {"tracking_number": "n/a"})["tracking_url"] == ""


async def test_a_new_number_gets_its_own_link(app_ctx: McpContext) -> None:
    async with connect(app_ctx) as session:
        order_id = (await session.ok("orders_list", {"limit": 1}))["orders"][0]["id"]
        added = await session.ok(
            "shipments_add", {"order_id": order_id, "tracking_number": UPS_OLD}
        )
        shipment_id = added["shipment"]["id"]
        assert UPS_OLD in added["shipment"]["tracking_url"]
        result = await session.call(
            "shipments_update",
            {
                "order_id": order_id,
                "shipment_id": shipment_id,
                "changes": {"tracking_number": UPS_NEW},
            },
        )
        listed = await session.ok("shipments_list", {"order_id": order_id})
    assert not result.is_error
    assert "tracking_url was set" in result.content[0].text  # type: ignore[union-attr]
    shipment = next(s for s in listed["shipments"] if s["id"] == shipment_id)
    assert shipment["tracking_number"] == UPS_NEW
    assert shipment["tracking_url"] == f"https://www.ups.com/track?tracknum={UPS_NEW}"
