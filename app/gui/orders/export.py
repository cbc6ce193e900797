"""CSV export of the rows in the current view (no Qt)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.core.errors import ExpectedError
from app.gui.orders.rows import OrderRow, format_when

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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas in shopper text (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_line(row: OrderRow, folders: Mapping[int, str]) -> list[str]:
    """One CSV record for ``row``."""
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
    ]


class ExportError(ExpectedError):
    """The CSV file could not be written where the user asked (permissions, full disk)."""


def write_csv(path: Path, rows: Iterable[OrderRow], folders: Mapping[int, str]) -> int:
    """Write ``rows`` to ``path`` (UTF-8 with BOM so spreadsheets read accents); return count.

    Raises:
        ExportError: The disk refused the file.
    """
    count = 0
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for row in rows:
                writer.writerow(csv_line(row, folders))
                count += 1
    except OSError as exc:
        raise ExportError(
            f"Could not write {path}: {exc.strerror or exc}.",
            "Choose another folder, or check its permissions and free space.",
        ) from exc
    return count
