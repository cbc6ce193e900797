"""Packing slips and pick lists as HTML for a ``QTextDocument`` (pure functions, no Qt).

Every piece of shopper or store text goes through :func:`html.escape`, so a name such as
``<b>Bob</b>`` prints as written and can never add markup, images or links to the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from app.core.orderdesk import Order
from app.gui.orders.detail_text import address_text

STYLE = (
    "<style>"
    "body { font-family: sans-serif; font-size: 10pt; }"
    "h1 { font-size: 16pt; margin-bottom: 2pt; }"
    "h2 { font-size: 12pt; margin-top: 10pt; margin-bottom: 2pt; }"
    "th { text-align: left; background-color: #e8e8e8; }"
    "td.qty, th.qty { text-align: right; }"
    ".muted { color: #555555; }"
    "</style>"
)
GIFT_KEYS = ("gift message", "gift_message", "gift note", "gift")


def _text(value: object) -> str:
    """Escaped text of any value (empty for None)."""
    return escape("" if value is None else str(value))


def _lines(text: str) -> str:
    """Escaped multi-line text with line breaks kept."""
    return "<br>".join(escape(line) for line in text.splitlines())


def gift_message(order: Order) -> str:
    """The order's gift message from its checkout data (empty when there is none)."""
    data = order.raw.get("checkout_data")
    if not isinstance(data, Mapping):
        return ""
    by_key = {str(key).strip().lower(): value for key, value in data.items()}
    for key in GIFT_KEYS:
        value = by_key.get(key)
        if value:
            return str(value)
    return ""


def order_number(order: Order) -> str:
    """The number a merchant knows the order by: the cart's, else Order Desk's id."""
    return order.source_id or order.id


def _items_table(rows: Iterable[Sequence[str]], headers: Sequence[str]) -> str:
    """A bordered table; the last column is a right-aligned quantity (cells already escaped)."""
    head = "".join(
        f'<th class="qty">{h}</th>' if i == len(headers) - 1 else f"<th>{h}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="qty">{cell}</td>' if i == len(row) - 1 else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="4">'
        f"<tr>{head}</tr>{body}</table>"
    )


def _options(variations: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in variations.items())


def packing_slip_body(store_name: str, order: Order, first: bool = True) -> str:
    """One order's slip; every slip after the first starts on a new page."""
    brk = "" if first else ' style="page-break-before: always"'
    when = order.date_added.strftime("%Y-%m-%d") if order.date_added else ""
    rows = []
    for item in order.items:
        options = _options(item.variation_list)
        muted = f'<br><span class="muted">{_text(options)}</span>' if options else ""
        name = _text(item.name) + muted
        rows.append((_text(item.code), name, _text(item.quantity)))
    gift = gift_message(order)
    parts = [
        f"<h1{brk}>{_text(store_name)}</h1>",
        f"<p><b>Packing slip · Order {_text(order_number(order))}</b>"
        + (f'<br><span class="muted">Ordered {_text(when)}</span>' if when else "")
        + (
            f'<br><span class="muted">Shipping: {_text(order.shipping_method)}</span>'
            if order.shipping_method
            else ""
        )
        + "</p>",
        "<h2>Ship to</h2>",
        f"<p>{_lines(address_text(order.shipping)) or '—'}</p>",
        "<h2>Items</h2>",
        _items_table(rows, ("SKU", "Item", "Qty")),
        f"<p>Units: {order.quantity_total or sum(item.quantity for item in order.items)}</p>",
    ]
    if gift:
        parts += ["<h2>Gift message</h2>", f"<p><i>{_lines(gift)}</i></p>"]
    return "".join(parts)


def packing_slips_html(store_name: str, orders: Sequence[Order]) -> str:
    """A document of packing slips, one page per order."""
    slips = "".join(
        packing_slip_body(store_name, order, first=index == 0) for index, order in enumerate(orders)
    )
    return f"<html><head>{STYLE}</head><body>{slips}</body></html>"


@dataclass
class PickLine:
    """One SKU to pick: its name, units over all orders, and the orders that want it."""

    sku: str
    name: str
    quantity: int = 0
    orders: list[str] = field(default_factory=list)


def pick_lines(orders: Iterable[Order]) -> list[PickLine]:
    """Items aggregated by SKU over ``orders``, sorted by SKU (lines without a SKU by name)."""
    lines: dict[str, PickLine] = {}
    for order in orders:
        number = order_number(order)
        for item in order.items:
            key = item.code or f"\0{item.name}"
            line = lines.setdefault(key, PickLine(item.code, item.name))
            line.quantity += item.quantity
            if number not in line.orders:
                line.orders.append(number)
    return sorted(lines.values(), key=lambda line: (line.sku == "", line.sku, line.name))


def pick_list_html(store_name: str, orders: Sequence[Order]) -> str:
    """A pick list: every SKU of ``orders`` once, with the units and the order numbers."""
    lines = pick_lines(orders)
    rows = [
        (
            _text(line.sku) or '<span class="muted">(no SKU)</span>',
            _text(line.name),
            _text(", ".join(line.orders)),
            _text(line.quantity),
        )
        for line in lines
    ]
    units = sum(line.quantity for line in lines)
    count = len(orders)
    return (
        f"<html><head>{STYLE}</head><body>"
        f"<h1>{_text(store_name)}</h1>"
        f"<p><b>Pick list</b> · {count} order{'s' if count != 1 else ''} · {units} units · "
        f"{len(lines)} SKUs</p>"
        + _items_table(rows, ("SKU", "Item", "Orders", "Qty"))
        + "</body></html>"
    )
