"""Shape inventory items ("products") for a model, untrusted text apart."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from app.mcp.shaping.records import Detail, project
from app.mcp.shaping.untrusted import UNTRUSTED_KEY, group, split
from app.mcp.shaping.values import LINE_MONEY, plain, with_money

PRODUCT_UNTRUSTED = frozenset(
    {"name", "description", "category", "variation_list", "metadata", "update_source"}
)
PRODUCT_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "code",
    "description",
    "category",
    "price",
    "cost",
    "weight",
    "stock",
    "location",
    "manufacturer_sku",
    "update_source",
    "variation_list",
    "metadata",
    "date_added",
    "date_updated",
)
"""Every field a caller may name in ``fields``."""

SUMMARY_KEYS = ("id", "code", "price", "stock", "location", "name")
STANDARD_KEYS = (
    *SUMMARY_KEYS,
    "cost",
    "weight",
    "manufacturer_sku",
    "date_updated",
    "variation_list",
    "category",
)


def full_product(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Shape every field of an inventory item; names and free text go in the untrusted group."""
    trusted, other = split(raw, PRODUCT_UNTRUSTED)
    shaped = with_money(trusted, LINE_MONEY)
    shaped[UNTRUSTED_KEY] = group(plain(other))
    return shaped


def shape_product(
    raw: Mapping[str, Any], detail: Detail = "standard", fields: Collection[str] | None = None
) -> dict[str, Any]:
    """Shape an inventory item at a detail level, or to exactly the named fields.

    Args:
        raw: The item as the server sent it (``InventoryItem.raw``).
        detail: ``summary``, ``standard`` or ``full``; ignored when ``fields`` is given.
        fields: Fields to return (``id`` always comes along).
    """
    full = full_product(raw)
    if fields:
        return project(full, fields)
    if detail == "full":
        return full
    return project(full, SUMMARY_KEYS if detail == "summary" else STANDARD_KEYS)
