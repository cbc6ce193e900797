"""Stock levels from a CSV file (``SKU,stock``): reading the file and planning the changes.

Plain functions, no Qt: the inventory window shows the plan in a preview and sends only the
changes the merchant confirmed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.core.orderdesk import InventoryItem

MAX_STOCK = 10_000_000
"""The largest stock level accepted (the same bound as the AI tools')."""
HEADER_NAMES = frozenset({"sku", "code", "item", "product", "item code", "product code"})
BATCH_SIZE = 100
"""Items per batch request (Order Desk's batch limit is undocumented; clients use 100)."""


@dataclass(frozen=True)
class StockLine:
    """One data line of the file.

    Attributes:
        line: Its line number in the file (1-based, the header counts).
        sku: The SKU as written (trimmed).
        stock: The new stock level, None when the value is not a valid level.
        problem: Why the line cannot be used ("" when it can).
    """

    line: int
    sku: str
    stock: int | None
    problem: str = ""


@dataclass(frozen=True)
class StockChange:
    """One line of the preview: an item's stock now and after the import.

    Attributes:
        sku: The SKU from the file.
        name: The item's name ("" for an unknown SKU).
        item_id: The item's id, None when no item has this SKU.
        old: Its stock now (None: unknown SKU).
        new: The stock from the file (None: not a valid level).
        note: Why nothing is sent for this line ("" when it is sent).
    """

    sku: str
    name: str
    item_id: str | None
    old: int | None
    new: int | None
    note: str = ""

    @property
    def sends(self) -> bool:
        """True when this line changes an item."""
        return not self.note


@dataclass(frozen=True)
class ImportPlan:
    """Every line of the file, planned; only :attr:`to_send` is written."""

    changes: tuple[StockChange, ...]

    @property
    def to_send(self) -> list[StockChange]:
        """The lines that change an item's stock."""
        return [change for change in self.changes if change.sends]

    @property
    def unknown(self) -> list[StockChange]:
        """Lines whose SKU no item has."""
        return [change for change in self.changes if change.item_id is None and change.sku]

    def summary(self) -> str:
        """``12 changes · 2 unknown SKUs · 3 unchanged · 1 invalid line``."""
        unchanged = sum(1 for c in self.changes if c.note == UNCHANGED)
        invalid = sum(1 for c in self.changes if c.new is None)
        parts = [_count(len(self.to_send), "change"), _count(len(self.unknown), "unknown SKU")]
        parts += [f"{unchanged:,} unchanged", _count(invalid, "invalid line")]
        return " · ".join(parts)

    def batches(self, size: int = BATCH_SIZE) -> list[list[dict[str, object]]]:
        """The changes as batch-update entries (``{"id", "stock"}``), ``size`` per request."""
        entries: list[dict[str, object]] = [{"id": c.item_id, "stock": c.new} for c in self.to_send]
        return [entries[start : start + size] for start in range(0, len(entries), size)]


UNCHANGED = "unchanged"
UNKNOWN = "unknown SKU: skipped"
REPEATED = "repeated further down: the last line counts"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def parse_stock(text: str) -> int | None:
    """A stock level from a cell (``12``, `` 12 ``, ``12.0``); None when it is not one."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        return None
    value = int(cleaned)
    return value if value <= MAX_STOCK else None


def read_stock_csv(text: str) -> list[StockLine]:
    """The data lines of a ``SKU,stock`` file (comma, semicolon or tab separated).

    A first line whose first cell is a column name (``sku``, ``code``...) is a header. Empty
    lines are skipped; extra columns are ignored.
    """
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    lines: list[StockLine] = []
    for number, cells in enumerate(rows, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in HEADER_NAMES:
            continue
        lines.append(_line(number, cells))
    return lines


def _line(number: int, cells: Sequence[str]) -> StockLine:
    sku = cells[0]
    if not sku:
        return StockLine(number, "", None, f"line {number}: no SKU")
    if len(cells) < 2 or not cells[1]:
        return StockLine(number, sku, None, f"line {number}: no stock level")
    stock = parse_stock(cells[1])
    if stock is None:
        return StockLine(
            number, sku, None, f"line {number}: {cells[1]!r} is not a stock level (0-{MAX_STOCK:,})"
        )
    return StockLine(number, sku, stock)


def _delimiter(text: str) -> str:
    """The separator most used on the first non-empty line (a comma when none is)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first.count(separator) for separator in (",", ";", "\t")}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def plan_import(lines: Iterable[StockLine], items: Iterable[InventoryItem]) -> ImportPlan:
    """Match each line to the item with its SKU (exact, else ignoring case) and plan it."""
    exact = {item.code: item for item in items if item.code}
    folded = {code.casefold(): item for code, item in exact.items()}
    lines = list(lines)
    last = {line.sku.casefold(): line.line for line in lines if line.sku}
    changes = []
    for line in lines:
        item = exact.get(line.sku) or folded.get(line.sku.casefold())
        changes.append(_change(line, item, last.get(line.sku.casefold()) != line.line))
    return ImportPlan(tuple(changes))


def _change(line: StockLine, item: InventoryItem | None, repeated: bool) -> StockChange:
    old = item.stock if item is not None else None
    note = ""
    if line.problem:
        note = line.problem
    elif item is None:
        note = UNKNOWN
    elif repeated:
        note = REPEATED
    elif old == line.stock:
        note = UNCHANGED
    name = item.name if item is not None else ""
    item_id = item.id if item is not None else None
    return StockChange(line.sku, name, item_id, old, line.stock, note)


def sent_text(done: int, total: int, failed: list[str], *, cancelled: bool) -> str:
    """What a finished (or cancelled) batch update says: how many items, what was refused."""
    if failed:
        return f"Updated {done - len(failed):,} of {total:,} items; refused: " + "; ".join(
            failed[:5]
        )
    if cancelled and done < total:
        return f"Stopped: {done:,} of {total:,} items updated, the rest not sent."
    return f"Updated the stock of {done:,} item{'' if done == 1 else 's'}."
