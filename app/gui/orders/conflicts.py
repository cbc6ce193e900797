"""What the browser asks when an edit meets a newer version of the order (no Qt).

An edit made on the copy shown in the detail pane passes that copy's ``date_updated``; when the
order changed in Order Desk meanwhile the update stops with
:class:`~app.core.services.errors.OrderConflict` and nothing is written. The browser then
offers to apply the same change set to the new version (docs/architecture.md, "Updates and
conflicts"). The sentence it asks with is decided here, as plain functions, so it can be tested
without a window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

MAX_LISTED = 8
"""How many changed fields the question names before it says "and N more"."""


def change_paths(changes: Mapping[str, Any], prefix: str = "") -> list[str]:
    """The field paths a change set writes, as dotted text.

    Args:
        changes: A change set, e.g. ``{"shipping": {"city": "Austin"}}``.
        prefix: Path of ``changes`` inside an outer change set (for the recursion).

    Returns:
        The leaf paths in the order given, e.g. ``["shipping.city"]``; an empty nested
        object counts as its own path.
    """
    paths: list[str] = []
    for key, value in changes.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            paths.extend(change_paths(value, f"{path}."))
        else:
            paths.append(path)
    return paths


def _overlaps(first: str, second: str) -> bool:
    """True when two dotted paths are the same field or one contains the other."""
    return first == second or first.startswith(f"{second}.") or second.startswith(f"{first}.")


def contested(changed_fields: Iterable[str], touched: Iterable[str]) -> list[str]:
    """The changed fields that the user's own change also writes.

    Args:
        changed_fields: Paths that changed since the user's copy (from the conflict).
        touched: Paths the user's change set writes (see :func:`change_paths`).

    Returns:
        The entries of ``changed_fields`` (in their order, once each) that are, contain or lie
        inside a touched path.
    """
    mine = list(touched)
    found: list[str] = []
    for field in changed_fields:
        if field not in found and any(_overlaps(field, path) for path in mine):
            found.append(field)
    return found


def _listing(names: Sequence[str]) -> str:
    """``a, b, c`` with at most :data:`MAX_LISTED` names, then ``and N more``."""
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_LISTED])} and {len(names) - MAX_LISTED} more"


def _joined(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def conflict_question(
    changed_fields: Sequence[str], touched: Iterable[str], what: str = "change"
) -> str:
    """The question the browser asks before re-applying a change on the new version.

    Args:
        changed_fields: Paths that changed since the user's copy (may be empty: unknown).
        touched: Paths the user's change set writes.
        what: The user's change in a few words, e.g. ``address change``.

    Returns:
        For example "Someone changed this order since you opened it (changed: email,
        shipping.city), including shipping.city, which you also changed: yours would replace
        it. Apply your address change to the new version?"
    """
    unique = list(dict.fromkeys(changed_fields))
    sentence = "Someone changed this order since you opened it"
    if unique:
        sentence += f" (changed: {_listing(unique)})"
    both = contested(unique, touched)
    if both:
        pronoun = "it" if len(both) == 1 else "them"
        sentence += (
            f", including {_joined(both)}, which you also changed: yours would replace {pronoun}"
        )
    return f"{sentence}. Apply your {what} to the new version?"
