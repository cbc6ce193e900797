"""CSV records with addresses, items and tracking (no Qt): correct CSV for any shopper text."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.core.orderdesk import Order
from app.gui.orders.export import FULL_HEADER, HEADER, csv_line, write_csv
from app.gui.orders.rows import OrderRow, row_from_order

NASTY = 'Line one, "quoted"\nline two'


def full_order(**extra: Any) -> Order:
    raw: dict[str, Any] = {
        "id": "77",
        "source_id": "1077",
        "email": "ada@example.com",
        "shipping_method": "UPS Ground",
        "date_added": "2026-03-01 10:00:00",
        "folder_id": 5,
        "order_total": "30.00",
        "quantity_total": 3,
        "shipping": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "address1": NASTY,
            "city": "London",
            "postal_code": "N1",
            "country": "GB",
            "phone": "+44 20 1234",
        },
        "customer": {"first_name": "=HYPERLINK(1)", "company": "Acme, Inc.", "city": "Paris"},
        "order_items": [
            {"code": "MUG-1", "name": "Mug", "quantity": 2},
            {"code": "", "name": "Gift card", "quantity": 1},
        ],
        "order_shipments": [{"tracking_number": "1Z999"}, {"tracking_number": "9400 111"}],
    }
    raw.update(extra)
    return Order(raw)


def by_name(record: list[str]) -> dict[str, str]:
    assert len(record) == len(FULL_HEADER)
    return dict(zip(FULL_HEADER, record, strict=True))


def test_the_first_ten_columns_are_unchanged_and_the_details_follow() -> None:
    assert FULL_HEADER[: len(HEADER)] == HEADER
    for name in ("email", "ship_address1", "bill_company", "items", "tracking_numbers"):
        assert name in FULL_HEADER


def test_a_record_holds_addresses_items_and_tracking() -> None:
    order = full_order()
    cells = by_name(csv_line(row_from_order(order), {5: "New"}, order))
    assert cells["email"] == "ada@example.com" and cells["folder"] == "New"
    assert cells["ship_name"] == "Ada Lovelace" and cells["ship_address1"] == NASTY
    assert cells["ship_city"] == "London" and cells["ship_country"] == "GB"
    assert cells["ship_phone"] == "'+44 20 1234"  # a leading + would start a formula
    assert cells["bill_name"] == "'=HYPERLINK(1)" and cells["bill_company"] == "Acme, Inc."
    assert cells["items"] == "MUG-1 x 2; Gift card x 1"
    assert cells["tracking_numbers"] == "1Z999; 9400 111"
    assert cells["shipping_method"] == "UPS Ground"


def test_without_the_full_order_the_detail_cells_are_empty() -> None:
    row = OrderRow("1", "1001", "Shopify", datetime(2026, 1, 2, tzinfo=UTC), None, "Bo",
                   "bo@example.com", None, Decimal("9.50"), 1, "Captured")  # fmt: skip
    cells = by_name(csv_line(row, {}))
    assert cells["total"] == "9.50"
    assert all(cells[name] == "" for name in FULL_HEADER[len(HEADER) :])


def test_commas_quotes_and_line_breaks_survive_a_round_trip(tmp_path: Path) -> None:
    orders = [full_order(), full_order(id="78", source_id='10"78', order_shipments=[])]
    rows = [row_from_order(order) for order in orders]
    path = tmp_path / "orders.csv"
    assert write_csv(path, rows, {}, {order.id: order for order in orders}) == 2
    with path.open(encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    assert records[0] == list(FULL_HEADER)
    assert len(records) == 3  # the line break inside a cell did not split a record
    first, second = by_name(records[1]), by_name(records[2])
    assert first["ship_address1"] == NASTY and first["bill_company"] == "Acme, Inc."
    assert second["source_id"] == '10"78' and second["tracking_numbers"] == ""
