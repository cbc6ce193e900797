"""Typed views keep the server's dict intact and read it with the right types."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.core.orderdesk import (
    BatchResult,
    ConnectionTest,
    InventoryItem,
    MoveResult,
    Order,
    Page,
    StoreSettings,
)
from app.core.orderdesk.results import parse_folders

SAMPLE_ORDER: dict[str, Any] = {
    "id": 48213307,
    "source_id": "SH-1043",
    "source_name": "Shopify",
    "email": "maria.lopez@example.com",
    "quantity_total": 3,
    "product_total": 62.5,
    "tax_total": 5.16,
    "order_total": 70.36,
    "folder_id": "3",
    "payment_status": "Captured",
    "date_added": "2025-03-14 15:42:08",
    "date_updated": "2025-03-15 18:05:31",
    "shipping": {"first_name": "Maria", "city": "Austin"},
    "order_items": [
        {
            "id": "90551201",
            "name": "Tee",
            "price": "24.00",
            "quantity": 2,
            "weight": 0.4,
            "code": "TEE",
        },
        {
            "id": 90551202,
            "name": "Mug",
            "price": 14.5,
            "quantity": "1",
            "weight": "1.1",
            "code": "MUG",
        },
    ],
    "order_shipments": [
        {
            "id": "7731045",
            "order_id": 48213307,
            "tracking_number": "9405",
            "weight": "1.9",
            "cost": "8.45",
            "date_shipped": "2025-03-15",
            "date_added": "2025-03-15 18:05:30",
        },
    ],
}


def test_order_reads_typed_values() -> None:
    order = Order(copy.deepcopy(SAMPLE_ORDER))
    assert order.id == "48213307"
    assert order.source_id == "SH-1043"
    assert order.folder_id == 3
    assert order.order_total == Decimal("70.36")
    assert order.money("tax_total") == Decimal("5.16")
    assert order.quantity_total == 3
    assert order.date_added == datetime(2025, 3, 14, 15, 42, 8, tzinfo=UTC)
    assert order.shipping["city"] == "Austin"
    assert [item.id for item in order.items] == ["90551201", "90551202"]
    assert sum(item.price * item.quantity for item in order.items) == Decimal("62.50")
    shipment = order.shipments[0]
    assert shipment.order_id == "48213307"
    assert shipment.cost == Decimal("8.45")
    assert shipment.date_shipped == date(2025, 3, 15)


def test_reading_never_changes_raw() -> None:
    raw = copy.deepcopy(SAMPLE_ORDER)
    order = Order(raw)
    _ = (order.order_total, order.items, order.shipments, order.date_updated, order.folder_id)
    assert order.raw is raw
    assert raw == SAMPLE_ORDER


def test_copy_raw_is_deep() -> None:
    order = Order(copy.deepcopy(SAMPLE_ORDER))
    body = order.copy_raw()
    body["order_items"][0]["quantity"] = 99
    assert order.raw["order_items"][0]["quantity"] == 2


def test_missing_fields_read_as_empty() -> None:
    order = Order({"id": "1"})
    assert order.items == [] and order.shipments == []
    assert order.folder_id is None
    assert order.order_total == Decimal(0)
    assert order.date_updated is None
    assert order.shipping == {}


def test_repr_does_not_dump_personal_data() -> None:
    text = repr(Order(copy.deepcopy(SAMPLE_ORDER)))
    assert "maria" not in text and "48213307" in text


def test_inventory_item() -> None:
    item = InventoryItem({"id": 184532, "code": "TEE", "price": 24.0, "stock": "137"})
    assert (item.id, item.code, item.price, item.stock) == ("184532", "TEE", Decimal("24.0"), 137)


@pytest.mark.parametrize(
    "folders",
    [
        {"1": "New", "2": "Prepared", "x": "junk"},
        [{"id": 1, "name": "New"}, {"id": "2", "name": "Prepared"}],
        [{"folder_id": 1, "folder_name": "New"}, {"folder_id": 2, "folder_name": "Prepared"}],
    ],
)
def test_folders_map_or_list(folders: object) -> None:
    assert parse_folders(folders) == {1: "New", 2: "Prepared"}


def test_store_settings() -> None:
    store = StoreSettings(
        {
            "id": 12345,
            "name": "Acme",
            "timezone": "America/Chicago",
            "folders": {"1": "New", "3": "Closed"},
        }
    )
    assert store.id == "12345"
    assert store.folders == {1: "New", 3: "Closed"}
    assert store.folder_id_for(" closed ") == 3
    assert store.folder_id_for("Nope") is None


def test_connection_test() -> None:
    result = ConnectionTest.from_envelope(
        {
            "status": "success",
            "message": "Connection Successful",
            "current_date_time": "2015-04-14 22:00:10",
        }
    )
    assert result.message == "Connection Successful"
    assert result.server_time == datetime(2015, 4, 14, 22, 0, 10, tzinfo=UTC)


def test_batch_and_move_results() -> None:
    batch = BatchResult.from_envelope(
        {
            "results": [
                {"status": "success", "shipment_id": 77},
                {"status": "error", "message": "no order"},
            ]
        }
    )
    assert [r.ok for r in batch.results] == [True, False]
    assert batch.results[0].id == "77"
    assert batch.failed[0].message == "no order"
    move = MoveResult.from_envelope(
        {
            "message": "moved",
            "results": [{"id": 5, "previous_folder_id": "1", "folder_id": 3}, "junk"],
        }
    )
    assert move.moved[0].order_id == "5"
    assert (move.moved[0].previous_folder_id, move.moved[0].folder_id) == (1, 3)
    assert MoveResult.from_envelope({"status": "success"}).moved == []


@pytest.mark.parametrize(
    ("returned", "limit", "offset", "total", "last"),
    [
        (500, 500, 0, 1200, False),
        (200, 500, 1000, 1200, True),
        (500, 500, 700, 1200, True),
        (0, 500, 0, 0, True),
        (50, 50, 0, 51, False),
    ],
)
def test_page_is_last(returned: int, limit: int, offset: int, total: int, last: bool) -> None:
    page: Page[Order] = Page(
        [], total_records=total, offset=offset, limit=limit, records_returned=returned
    )
    assert page.is_last is last
