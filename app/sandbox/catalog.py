"""The generated product catalog: inventory items and the SKUs order items are drawn from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.sandbox.dates import format_stamp
from app.sandbox.dice import Dice
from app.sandbox.pools import LOCATIONS, PRODUCTS
from app.sandbox.values import CENT, money

INVENTORY_ID_BASE = 184_000
MIN_CATALOG = 24


@dataclass(frozen=True, slots=True)
class Product:
    """One sellable SKU of the generated catalog."""

    code: str
    name: str
    price: Decimal
    weight: Decimal
    category: str
    variations: tuple[tuple[str, str], ...]


def build_catalog(size: int) -> list[Product]:
    """Return ``size`` products (at least :data:`MIN_CATALOG`), cycling through variants.

    The same size always gives the same list, so order items stay tied to inventory codes.
    """
    variants = [
        (index, option)
        for index, (_, _, _, _, _, options) in enumerate(PRODUCTS)
        for option in (options or ("",))
    ]
    products: list[Product] = []
    for number in range(max(size, MIN_CATALOG)):
        index, option = variants[number % len(variants)]
        edition = number // len(variants)
        products.append(_product(index, option, edition))
    return products


def _product(index: int, option: str, edition: int) -> Product:
    name, category, price, weight, axis, _ = PRODUCTS[index]
    prefix = "".join(w[0] for w in name.split() if w[0].isascii() and w[0].isalnum()).upper()
    code = f"{prefix[:4]}{index:02d}"
    full_name = name
    if option:
        code += "-" + "".join(c for c in option if c.isalnum())[:3].upper()
        full_name += f" - {option}"
    if edition:
        code += f"-E{edition + 1}"
        full_name += f" (Edition {edition + 1})"
    bump = Decimal(edition) * Decimal("1.00")
    variations = ((axis, option),) if axis else ()
    return Product(code, full_name, Decimal(price) + bump, Decimal(weight), category, variations)


def inventory_record(product: Product, number: int, seed: int, stamp: int) -> dict[str, Any]:
    """Return the stored inventory item for catalog entry ``number``."""
    dice = Dice(seed, number, 7)
    stock = 0 if dice.chance(8) else dice.below(240)
    cost = (product.price * Decimal("0.38")).quantize(CENT)
    return {
        "id": str(INVENTORY_ID_BASE + number + 1),
        "name": product.name,
        "code": product.code,
        "price": money(product.price),
        "cost": money(cost),
        "weight": float(product.weight),
        "stock": stock,
        "location": dice.pick(LOCATIONS),
        "manufacturer_sku": f"MFR-{product.code}",
        "update_source": "",
        "variation_list": dict(product.variations),
        "metadata": {"image": f"https://cdn.example.com/img/{product.code.lower()}.jpg"},
        "date_added": format_stamp(stamp),
        "date_updated": format_stamp(stamp + dice.below(200) * 3600),
    }
