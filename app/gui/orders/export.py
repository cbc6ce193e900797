"""CSV export of the rows in the current view (no Qt).

The first ten columns come from the table's rows; the rest (addresses, items, tracking) from
the full orders when the exporter has them (empty cells otherwise). Shopper text is neutralised
against spreadsheet formulas; the ``csv`` module quotes commas, quotes and line breaks.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from app.core.errors import ExpectedError
from app.core.orderdesk import Order
from app.gui.orders.rows import OrderRow, format_when, person_name

HEADER = (
    "order_id",
    "source_id",
    "source_name",
    "date_added",
    "customer",
    "email",
    "folder",
    "quantity",
    "total",
    "payment_status",
)
ADDRESS_FIELDS = (
    "company", "address1", "address2", "city", "state", "postal_code", "country", "phone",
)  # fmt: skip
DETAIL_HEADER = (
    "shipping_method",
    "ship_name", *(f"ship_{key}" for key in ADDRESS_FIELDS),
    "bill_name", *(f"bill_{key}" for key in ADDRESS_FIELDS),
    "items",
    "tracking_numbers",
)  # fmt: skip
FULL_HEADER = HEADER + DETAIL_HEADER
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in shopper text (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def address_cells(address: Mapping[str, Any]) -> list[str]:
    """Name and :data:`ADDRESS_FIELDS` of an address, formula-safe."""
    cells = [person_name(address)] + [str(address.get(key) or "") for key in ADDRESS_FIELDS]
    return [safe_cell(cell) for cell in cells]


def items_cell(order: Order) -> str:
    """The order's lines as ``SKU x quantity`` joined by ``; `` (the name when there is no SKU)."""
    return "; ".join(f"{item.code or item.name} x {item.quantity}" for item in order.items)


def tracking_cell(order: Order) -> str:
    """The tracking numbers of the order's shipments, joined by ``; ``."""
    numbers = (shipment.tracking_number for shipment in order.shipments)
    return "; ".join(number for number in numbers if number)


def detail_cells(order: Order | None) -> list[str]:
    """The :data:`DETAIL_HEADER` cells of ``order`` (all empty without it)."""
    if order is None:
        return [""] * len(DETAIL_HEADER)
    return [
        safe_cell(order.shipping_method),
        *address_cells(order.shipping),
        *address_cells(order.customer),
        safe_cell(items_cell(order)),
        safe_cell(tracking_cell(order)),
    ]


def csv_line(row: OrderRow, folders: Mapping[int, str], order: Order | None = None) -> list[str]:
    """One CSV record for ``row``; the detail columns come from ``order`` (its full record)."""
    folder = folders.get(row.folder_id, str(row.folder_id)) if row.folder_id is not None else ""
    return [
        row.id,
        safe_cell(row.source_id),
        safe_cell(row.source_name),
        format_when(row.date_added),
        safe_cell(row.customer),
        safe_cell(row.email),
        safe_cell(folder),
        str(row.quantity),
        f"{row.total:.2f}",
        safe_cell(row.payment_status),
        *detail_cells(order),
    ]


class ExportError(ExpectedError):
    """The CSV file could not be written where the user asked (permissions, full disk)."""


def write_csv(
    path: Path,
    rows: Iterable[OrderRow],
    folders: Mapping[int, str],
    orders: Mapping[str, Order] | None = None,
) -> int:
    """Write ``rows`` to ``path`` (UTF-8 with BOM so spreadsheets read accents); return count.

    ``orders`` (full records by id) fill the address, item and tracking columns.

    Raises:
        ExportError: The disk refused the file.
    """
    count = 0
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(FULL_HEADER)
            for row in rows:
                writer.writerow(csv_line(row, folders, (orders or {}).get(row.id)))
                count += 1
    except OSError as exc:
        raise ExportError(
            f"Could not write {path}: {exc.strerror or exc}.",
            "Choose another folder, or check its permissions and free space.",
        ) from exc
    return count
