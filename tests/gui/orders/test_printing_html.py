"""The packing-slip and pick-list HTML, built without a printer."""

from __future__ import annotations

from typing import Any

from app.core.orderdesk import Order
from app.gui.orders.printing_html import (
    gift_message,
    packing_slips_html,
    pick_lines,
    pick_list_html,
)


def order(number: str, items: list[tuple[str, str, int]], **extra: Any) -> Order:
    """An order with ``(sku, name, quantity)`` lines."""
    raw: dict[str, Any] = {
        "id": f"9{number}",
        "source_id": number,
        "shipping": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "address1": "12 Analytical Way",
            "city": "London",
            "postal_code": "N1 7AA",
            "country": "GB",
        },
        "order_items": [
            {"code": sku, "name": name, "quantity": qty, "price": "5.00"}
            for sku, name, qty in items
        ],
        "checkout_data": {},
    }
    raw.update(extra)
    return Order(raw)


def test_a_slip_has_store_number_ship_to_items_and_gift_message() -> None:
    gift = order("1001", [("MUG-1", "Mug", 2), ("TEE-M", "T-shirt", 1)],
                 checkout_data={"Gift Message": "Happy birthday, Ada!"})  # fmt: skip
    html = packing_slips_html("Corner Shop", [gift])
    expected = (
        "Corner Shop", "1001", "Ada Lovelace", "12 Analytical Way", "London N1 7AA",
        "MUG-1", "Mug", "TEE-M", "T-shirt", "Gift message", "Happy birthday, Ada!",
    )  # fmt: skip
    for text in expected:
        assert text in html
    assert "page-break-before" not in html  # one order: one page


def test_each_slip_after_the_first_starts_a_new_page() -> None:
    orders = [order(str(n), [("A", "a", 1)]) for n in range(1001, 1004)]
    assert packing_slips_html("S", orders).count("page-break-before: always") == 2


def test_shopper_and_store_text_is_escaped() -> None:
    evil = order(
        "<script>1</script>",
        [("<b>SKU</b>", '<img src="http://x/y.png">', 1)],
        shipping={"first_name": "<a href='http://evil'>Eve</a>", "city": "A & B"},
        checkout_data={"gift message": "<i>hi</i>\nsecond line"},
    )
    for html in (packing_slips_html("<Shop>", [evil]), pick_list_html("<Shop>", [evil])):
        assert "<script>" not in html and "<img" not in html and "<a href" not in html
        assert "<b>SKU</b>" not in html and "<Shop>" not in html
        assert "&lt;b&gt;SKU&lt;/b&gt;" in html and "&lt;Shop&gt;" in html
    slip = packing_slips_html("S", [evil])
    assert "&lt;a href=&#x27;http://evil&#x27;&gt;Eve&lt;/a&gt;" in slip
    assert "A &amp; B" in slip and "&lt;i&gt;hi&lt;/i&gt;<br>second line" in slip


def test_gift_message_key_is_found_in_any_case_and_missing_is_empty() -> None:
    assert gift_message(order("1", [], checkout_data={"GIFT MESSAGE": "Hi"})) == "Hi"
    assert gift_message(order("1", [], checkout_data={"Shopper Note": "x"})) == ""
    assert gift_message(order("1", [], checkout_data="not a mapping")) == ""


def test_pick_list_sums_units_by_sku_and_names_the_orders() -> None:
    orders = [
        order("1001", [("MUG-1", "Mug", 2), ("TEE-M", "T-shirt", 1)]),
        order("1002", [("MUG-1", "Mug", 3), ("", "Gift card", 1)]),
        order("1003", [("TEE-M", "T-shirt", 4), ("MUG-1", "Mug", 1)]),
    ]
    lines = {(line.sku, line.name): line for line in pick_lines(orders)}
    assert lines["MUG-1", "Mug"].quantity == 6
    assert lines["MUG-1", "Mug"].orders == ["1001", "1002", "1003"]
    assert lines["TEE-M", "T-shirt"].quantity == 5
    assert lines["", "Gift card"].orders == ["1002"]
    assert [line.sku for line in pick_lines(orders)] == ["MUG-1", "TEE-M", ""]
    html = pick_list_html("Corner Shop", orders)
    assert "3 orders · 12 units · 3 SKUs" in html
    assert "1001, 1002, 1003" in html and "(no SKU)" in html
