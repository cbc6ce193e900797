"""Build the field-level changes a write shows in its approval prompt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from app.core.access.approvals import FieldChange
from app.mcp.shaping import plain

__all__ = ["FieldChange", "additions", "changes_to", "from_service", "plain", "removal"]


class Change(Protocol):
    """A field change as the services' merge module describes it."""

    @property
    def name(self) -> str:
        """Dotted path of the field."""

    def as_dict(self) -> dict[str, Any]:
        """``{"field", "before", "after"}``."""


def from_service(changes: Iterable[Change]) -> list[FieldChange]:
    """Convert the services' field changes into approval field changes."""
    result = []
    for change in changes:
        entry = change.as_dict()
        result.append(FieldChange(change.name, plain(entry["before"]), plain(entry["after"])))
    return result


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
