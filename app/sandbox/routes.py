"""The 26 endpoints of Order Desk API v2 and how a path finds its handler."""

from __future__ import annotations

import re
from collections.abc import Callable

from app.sandbox import api_inventory as inventory
from app.sandbox import api_lines as lines
from app.sandbox import api_orders as orders
from app.sandbox.call import Call, Payload
from app.sandbox.errors import ApiError

Handler = Callable[[Call], Payload]

_ID = r"([^/]+)"
_TABLE: tuple[tuple[str, tuple[str, ...], dict[str, Handler]], ...] = (
    ("/test", (), {"GET": orders.get_test}),
    ("/store", (), {"GET": orders.get_store}),
    ("/orders", (), {"GET": orders.list_orders, "POST": orders.create_order}),
    (
        f"/orders/{_ID}",
        ("order_id",),
        {"GET": orders.get_order, "PUT": orders.replace_order, "DELETE": orders.delete_order},
    ),
    (f"/orders/{_ID}/order-history", ("order_id",), {"POST": orders.add_history}),
    (
        f"/orders/{_ID}/order-items",
        ("order_id",),
        {"GET": lines.list_items, "POST": lines.add_item},
    ),
    (
        f"/orders/{_ID}/order-items/{_ID}",
        ("order_id", "item_id"),
        {"GET": lines.get_item, "PUT": lines.replace_item, "DELETE": lines.delete_item},
    ),
    (
        f"/orders/{_ID}/shipments",
        ("order_id",),
        {"GET": lines.list_shipments, "POST": lines.add_shipment},
    ),
    (
        f"/orders/{_ID}/shipments/{_ID}",
        ("order_id", "shipment_id"),
        {"GET": lines.get_shipment, "PUT": lines.replace_shipment, "DELETE": lines.delete_shipment},
    ),
    ("/batch-shipments", (), {"POST": lines.batch_shipments}),
    (
        "/inventory-items",
        (),
        {"GET": inventory.list_inventory, "POST": inventory.create_inventory},
    ),
    (
        f"/inventory-items/{_ID}",
        ("item_id",),
        {
            "GET": inventory.get_inventory,
            "PUT": inventory.replace_inventory,
            "DELETE": inventory.delete_inventory,
        },
    ),
    ("/batch-inventory-items", (), {"PUT": inventory.batch_inventory}),
    ("/move-orders", (), {"POST": orders.move_orders}),
)
ROUTES = tuple((re.compile(f"^{pattern}$"), names, handlers) for pattern, names, handlers in _TABLE)
ENDPOINT_COUNT = sum(len(handlers) for _, _, handlers in _TABLE)


def resolve(method: str, path: str) -> tuple[Handler, dict[str, str]]:
    """Return the handler and path parameters for ``method`` on ``path`` (below /api/v2).

    Raises:
        ApiError: 404 for an unknown path, 405 for a method the path does not take.
    """
    trimmed = path.rstrip("/") or "/"
    for pattern, names, handlers in ROUTES:
        match = pattern.match(trimmed)
        if match is None:
            continue
        handler = handlers.get(method)
        if handler is None:
            allowed = ", ".join(handlers)
            raise ApiError(405, f"Method {method} is not allowed here (use {allowed})")
        return handler, dict(zip(names, match.groups(), strict=True))
    raise ApiError(404, f"Unknown endpoint {path}")
