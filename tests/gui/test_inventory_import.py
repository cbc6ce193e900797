"""Reading a SKU,stock file and planning the changes (no Qt, no Order Desk)."""

from __future__ import annotations

from app.core.orderdesk import InventoryItem
from app.gui.inventory_import import (
    REPEATED,
    UNCHANGED,
    UNKNOWN,
    parse_stock,
    plan_import,
    read_stock_csv,
)

ITEMS = [
    InventoryItem({"id": "1", "code": "TEE-S", "name": "Tee S", "stock": 5}),
    InventoryItem({"id": "2", "code": "TEE-M", "name": "Tee M", "stock": "7"}),
    InventoryItem({"id": "3", "code": "MUG", "name": "Mug", "stock": 0}),
]


def test_stock_levels_are_whole_numbers_in_range() -> None:
    assert [parse_stock(t) for t in ("12", " 12 ", "12.0", "1,200", "0")] == [12, 12, 12, 1200, 0]
    assert [parse_stock(t) for t in ("-1", "1.5", "abc", "", "10000001")] == [None] * 5


def test_header_separators_and_blank_lines() -> None:
    text = "\ufeffSKU;Stock\nTEE-S;9\n\n TEE-M ; 7 ;extra\n"
    lines = read_stock_csv(text)
    assert [(line.line, line.sku, line.stock) for line in lines] == [
        (2, "TEE-S", 9),
        (4, "TEE-M", 7),
    ]
    assert [line.sku for line in read_stock_csv("TEE-S\t3\nMUG\t4\n")] == ["TEE-S", "MUG"]


def test_the_plan_flags_unknown_unchanged_invalid_and_repeated_lines() -> None:
    text = "sku,stock\nTEE-S,1\ntee-m,7\nNOPE,4\nMUG,lots\nTEE-S,9\n,3\n"
    plan = plan_import(read_stock_csv(text), ITEMS)
    notes = [(c.sku, c.old, c.new, c.note) for c in plan.changes]
    assert notes[0] == ("TEE-S", 5, 1, REPEATED)
    assert notes[1] == ("tee-m", 7, 7, UNCHANGED)  # matched ignoring case
    assert notes[2] == ("NOPE", None, 4, UNKNOWN)
    assert notes[3][:3] == ("MUG", 0, None) and "not a stock level" in notes[3][3]
    assert notes[4] == ("TEE-S", 5, 9, "")
    assert "no SKU" in notes[5][3]
    assert [(c.item_id, c.new) for c in plan.to_send] == [("1", 9)]
    assert plan.summary() == "1 change · 1 unknown SKU · 1 unchanged · 2 invalid lines"
    assert plan.batches() == [[{"id": "1", "stock": 9}]]


def test_batches_hold_at_most_the_batch_size() -> None:
    items = [InventoryItem({"id": str(n), "code": f"S{n}", "stock": 0}) for n in range(250)]
    text = "".join(f"S{n},{n + 1}\n" for n in range(250))
    batches = plan_import(read_stock_csv(text), items).batches()
    assert [len(batch) for batch in batches] == [100, 100, 50]
