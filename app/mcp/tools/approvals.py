"""Build the field-level changes a write shows in its approval prompt."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from app.core.access.approvals import FieldChange, order_label
from app.mcp.shaping import plain

if TYPE_CHECKING:
    from app.mcp.tools.context import Call

__all__ = [
    "FieldChange",
    "additions",
    "changes_to",
    "folder_names",
    "from_service",
    "order_label",
    "orders_by_id",
    "plain",
    "removal",
]


class Change(Protocol):
    """A field change as the services' merge module describes it."""

    @property
    def name(self) -> str:
        """Dotted path of the field."""

    def as_dict(self) -> dict[str, Any]:
        """``{"field", "before", "after"}``."""


def from_service(changes: Iterable[Change], subject: str = "") -> list[FieldChange]:
    """Convert the services' field changes into approval field changes (of ``subject``)."""
    result = []
    for change in changes:
        entry = change.as_dict()
        before, after = plain(entry["before"]), plain(entry["after"])
        result.append(FieldChange(change.name, before, after, subject))
    return result


async def folder_names(call: Call) -> dict[int, str]:
    """The store's folders, id to name (cached store settings: usually no request)."""
    return dict((await call.app.services.stores.info(call.store)).folders)


async def orders_by_id(call: Call, order_ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """The current records of ``order_ids`` (cached reads), for naming them in a prompt.

    An order that cannot be read is left out; the prompt then names it by its id.
    """
    orders = call.app.services.orders
    found = await asyncio.gather(
        *(orders.get(call.store, order_id) for order_id in order_ids), return_exceptions=True
    )
    return {
        str(order_id): order.raw
        for order_id, order in zip(order_ids, found, strict=True)
        if not isinstance(order, BaseException)
    }


def additions(values: Mapping[str, Any], prefix: str = "") -> list[FieldChange]:
    """Describe a new record (or new values) as fields going from nothing to a value."""
    return [
        FieldChange(f"{prefix}{key}", None, plain(value))
        for key, value in values.items()
        if value is not None
    ]


def removal(label: str, before: Mapping[str, Any] | None = None) -> list[FieldChange]:
    """Describe a deletion: the record (or a few of its fields) going to nothing."""
    if not before:
        return [FieldChange(label, "exists", None)]
    return [FieldChange(f"{label}.{key}", plain(value), None) for key, value in before.items()]


def changes_to(
    before: Mapping[str, Any], wanted: Mapping[str, Any], prefix: str = ""
) -> list[FieldChange]:
    """Describe setting ``wanted`` on a record that currently holds ``before``."""
    return [
        FieldChange(f"{prefix}{key}", plain(before.get(key)), plain(value))
        for key, value in wanted.items()
        if plain(before.get(key)) != plain(value)
    ]
