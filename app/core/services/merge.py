"""Change sets: how an update edits a full Order Desk record, and how two records differ.

Order Desk's PUT replaces the whole record, so an update reads the record, applies a *change
set* with :func:`apply_changes` and sends everything back. Only the fields the change set names
may change. Pure functions; no I/O.

Change-set semantics (orders; inventory items follow the same rules with their own fields):

* **Nested objects merge deeply.** ``{"shipping": {"city": "Austin"}}`` changes the city and
  keeps every other shipping field.
* **``None`` removes.** Inside a free-form map (``checkout_data``, ``order_metadata``; for
  inventory ``variation_list`` and ``metadata``) ``None`` deletes the key; a free-form map set to
  ``None`` becomes ``{}``. Anywhere else ``None`` clears a scalar to ``""`` (Order Desk's empty
  value). A structured object (``shipping``, ``customer``, ``return_address``) cannot be cleared
  as a whole; name its fields.
* **Lists:**

  - ``order_notes``: entries are *appended* (a string or ``{"content", "username"}``); existing
    notes are never edited or removed.
  - ``discount_list``: the given list *replaces* the whole list (``None`` or ``[]`` empties it).
  - ``order_items`` and ``order_shipments``: refused; use the item and shipment operations,
    which let Order Desk recalculate totals and keep ids.
  - any other list value replaces the old value.
* **Read-only fields are refused** (``id``, ``date_added``, ``date_updated``, ``email_count``,
  ``order_history``), and ``folder_id`` (moving runs folder rules; use a move).
* **Unknown fields are refused** (a typo must not silently add a field), with a suggestion.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from app.core.services.errors import InvalidChangeError

Record = dict[str, Any]


class _Absent:
    """Marks a side of a :class:`FieldChange` where the key did not exist."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<absent>"

    def __bool__(self) -> bool:
        return False


ABSENT: Final[Any] = _Absent()
"""The ``before`` of an added key or the ``after`` of a removed one."""

ADDRESS_FIELDS = frozenset(
    {
        "first_name", "last_name", "company", "address1", "address2", "address3",
        "address4", "city", "state", "postal_code", "country", "phone",
    }
)  # fmt: skip
RETURN_ADDRESS_FIELDS = frozenset(
    {"title", "name", "company", "address1", "address2", "city", "state", "postal_code",
     "country", "phone"}
)  # fmt: skip
ORDER_FIELDS = frozenset(
    {
        "id", "source_id", "source_name", "email", "shipping_method", "quantity_total",
        "weight_total", "product_total", "shipping_total", "handling_total", "tax_total",
        "discount_total", "order_total", "cc_number_masked", "cc_exp", "processor_response",
        "payment_type", "payment_status", "processor_balance", "refund_total", "customer_id",
        "email_count", "ip_address", "tag_color", "tag_name", "fulfillment_name",
        "fulfillment_id", "folder_id", "date_added", "date_updated", "shipping", "customer",
        "return_address", "checkout_data", "order_metadata", "discount_list", "order_notes",
        "order_items", "order_shipments", "order_history",
    }
)  # fmt: skip
INVENTORY_FIELDS = frozenset(
    {
        "id", "name", "code", "price", "cost", "weight", "stock", "location",
        "manufacturer_sku", "update_source", "variation_list", "metadata", "date_added",
        "date_updated",
    }
)  # fmt: skip


@dataclass(frozen=True)
class MergeRules:
    """What a change set may do to one kind of record.

    Attributes:
        fields: Every known top-level field (others are refused unless the record has them).
        refused: Field name to the reason it cannot be changed by an update.
        append_lists: Lists whose change-set entries are appended.
        replace_lists: Lists replaced as a whole.
        free_maps: Maps of free keys, where ``None`` removes a key.
        structs: Structured objects and their known fields.
    """

    fields: frozenset[str]
    refused: Mapping[str, str]
    append_lists: frozenset[str] = frozenset()
    replace_lists: frozenset[str] = frozenset()
    free_maps: frozenset[str] = frozenset()
    structs: Mapping[str, frozenset[str]] = field(default_factory=dict)


_READ_ONLY = "it is read-only"
ORDER_RULES: Final = MergeRules(
    fields=ORDER_FIELDS,
    refused={
        "id": _READ_ONLY,
        "date_added": _READ_ONLY,
        "date_updated": _READ_ONLY,
        "email_count": _READ_ONLY,
        "order_history": "history is append-only; add a history note instead",
        "folder_id": "moving an order runs folder rules; move the order to the folder instead",
        "order_items": "use the order item operations (add, update, remove an item)",
        "order_shipments": "use the shipment operations (add, update, delete a shipment)",
    },
    append_lists=frozenset({"order_notes"}),
    replace_lists=frozenset({"discount_list"}),
    free_maps=frozenset({"checkout_data", "order_metadata"}),
    structs={
        "shipping": ADDRESS_FIELDS,
        "customer": ADDRESS_FIELDS,
        "return_address": RETURN_ADDRESS_FIELDS,
    },
)
INVENTORY_RULES: Final = MergeRules(
    fields=INVENTORY_FIELDS,
    refused={"id": _READ_ONLY, "date_added": _READ_ONLY, "date_updated": _READ_ONLY},
    free_maps=frozenset({"variation_list", "metadata"}),
)

_SCALARS = (str, int, float, bool, Decimal)


def apply_changes(
    record: Mapping[str, Any], changes: Mapping[str, Any], rules: MergeRules = ORDER_RULES
) -> Record:
    """Return a new record: ``record`` with ``changes`` applied (see the module docstring).

    Args:
        record: The current full record (a fresh read); not modified.
        changes: The change set.
        rules: The record kind's rules (:data:`ORDER_RULES` or :data:`INVENTORY_RULES`).

    Raises:
        InvalidChangeError: A refused, unknown or malformed change; nothing is applied.
    """
    result = copy.deepcopy(dict(record))
    for key, value in changes.items():
        _check_top_key(key, record, rules)
        if key in rules.append_lists:
            result[key] = _existing_list(result.get(key)) + _appended(key, value)
        elif key in rules.replace_lists:
            result[key] = _replacement_list(key, value)
        elif key in rules.free_maps:
            base = result.get(key)
            result[key] = {} if value is None else _merge_free(key, base, value)
        elif key in rules.structs:
            result[key] = _merge_struct(key, result.get(key), value, rules.structs[key])
        else:
            result[key] = _scalar_or_list(key, value)
    return result


def _check_top_key(key: str, record: Mapping[str, Any], rules: MergeRules) -> None:
    if key in rules.refused:
        raise InvalidChangeError(f"{key} cannot be changed by an update: {rules.refused[key]}.")
    if key not in rules.fields and key not in record:
        raise InvalidChangeError(f"unknown field {key!r}{_suggest(key, rules.fields)}.")


def _suggest(name: str, known: frozenset[str] | set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"; did you mean {close[0]!r}" if close else ""


def _existing_list(value: object) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _appended(key: str, value: object) -> list[Record]:
    entries = value if isinstance(value, list) else [value]
    notes: list[Record] = []
    for entry in entries:
        if isinstance(entry, str) and entry.strip():
            notes.append({"content": entry})
        elif isinstance(entry, Mapping) and str(entry.get("content") or "").strip():
            notes.append({k: entry[k] for k in ("content", "username") if k in entry})
        else:
            raise InvalidChangeError(
                f"{key} entries are appended and must be text or {{'content': text}};"
                " existing entries cannot be edited or removed."
            )
    return notes


def _replacement_list(key: str, value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise InvalidChangeError(f"{key} must be a list of objects; it replaces the whole list.")
    return [copy.deepcopy(dict(entry)) for entry in value]


def _merge_free(path: str, base: object, value: object) -> Record:
    if not isinstance(value, Mapping):
        raise InvalidChangeError(f"{path} must be an object of keys to values (or None).")
    merged = copy.deepcopy(dict(base)) if isinstance(base, Mapping) else {}
    for key, item in value.items():
        if item is None:
            merged.pop(key, None)
        elif isinstance(item, Mapping):
            merged[key] = _merge_free(f"{path}.{key}", merged.get(key), item)
        else:
            merged[key] = _plain_value(f"{path}.{key}", item)
    return merged


def _merge_struct(path: str, base: object, value: object, known: frozenset[str]) -> Record:
    if value is None:
        raise InvalidChangeError(
            f"{path} cannot be cleared as a whole; set its fields to None to clear them."
        )
    if not isinstance(value, Mapping):
        raise InvalidChangeError(f"{path} must be an object of fields to change.")
    merged = copy.deepcopy(dict(base)) if isinstance(base, Mapping) else {}
    for key, item in value.items():
        if key not in known and key not in merged:
            raise InvalidChangeError(f"unknown field {path}.{key}{_suggest(key, known)}.")
        merged[key] = "" if item is None else _plain_value(f"{path}.{key}", item)
    return merged


def _scalar_or_list(path: str, value: object) -> Any:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        raise InvalidChangeError(f"{path} is not an object; give a plain value.")
    return _plain_value(path, value)


def _plain_value(path: str, value: object) -> Any:
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, list | tuple):
        return copy.deepcopy(list(value))
    raise InvalidChangeError(f"{path} must be text, a number or true/false.")


@dataclass(frozen=True)
class FieldChange:
    """One field that differs between two records.

    Attributes:
        path: Keys from the top of the record, e.g. ``("shipping", "city")``.
        before: The old value, or :data:`ABSENT` when the key was added.
        after: The new value, or :data:`ABSENT` when the key was removed.
    """

    path: tuple[str, ...]
    before: Any
    after: Any

    @property
    def name(self) -> str:
        """The path as text, e.g. ``shipping.city``."""
        return ".".join(self.path)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"field", "before", "after"}`` (absent sides are None)."""
        return {
            "field": self.name,
            "before": None if self.before is ABSENT else self.before,
            "after": None if self.after is ABSENT else self.after,
        }


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any], ignore: Sequence[str] = ()
) -> list[FieldChange]:
    """List the fields that differ, descending into objects; lists compare as whole values.

    Args:
        before: The old record.
        after: The new record.
        ignore: Top-level fields to leave out (e.g. ``date_updated``).

    Returns:
        One :class:`FieldChange` per differing leaf, in key order of ``before`` then ``after``.
    """
    changes: list[FieldChange] = []
    _diff_into(changes, (), before, after, frozenset(ignore))
    return changes


def _diff_into(
    out: list[FieldChange],
    path: tuple[str, ...],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    ignore: frozenset[str],
) -> None:
    keys = list(before) + [key for key in after if key not in before]
    for key in keys:
        if not path and key in ignore:
            continue
        old, new = before.get(key, ABSENT), after.get(key, ABSENT)
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            _diff_into(out, (*path, str(key)), old, new, ignore)
        elif old is ABSENT or new is ABSENT or old != new:
            out.append(FieldChange((*path, str(key)), old, new))


def revert_changes(changes: Sequence[FieldChange], rules: MergeRules = ORDER_RULES) -> Record:
    """Build a change set that puts back the ``before`` side of ``changes``.

    Fields an update cannot write (read-only, item and shipment lists, appended notes) are
    skipped. A key that was added to a free-form map is removed again (``None``).

    Args:
        changes: What an update changed (from :func:`diff`).
        rules: The record kind's rules.
    """
    result: Record = {}
    for change in changes:
        top = change.path[0]
        if top in rules.refused or top in rules.append_lists:
            continue
        value = None if change.before is ABSENT else copy.deepcopy(change.before)
        target = result
        for key in change.path[:-1]:
            target = target.setdefault(key, {})
        target[change.path[-1]] = value
    return result
