"""Detail levels and field selection for any record that has an untrusted group.

A shaped record is ``{trusted fields..., "untrusted": {"_notice": ..., fields...}}``. These
helpers project such a record down to a chosen set of keys, in both parts at once.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Literal

from app.mcp.shaping.untrusted import NOTICE_KEY, UNTRUSTED_KEY, group

Detail = Literal["summary", "standard", "full"]
DETAILS: tuple[Detail, ...] = ("summary", "standard", "full")


def project(shaped: Mapping[str, Any], keys: Collection[str]) -> dict[str, Any]:
    """Keep only ``keys`` (plus ``id``) of a shaped record, in the trusted and untrusted parts.

    Args:
        shaped: A record shaped at ``full`` detail.
        keys: Field names to keep; names the record lacks are skipped.

    Returns:
        A new shaped record; the untrusted group is present only when it keeps a field.
    """
    wanted = {"id", *keys}
    result = {key: value for key, value in shaped.items() if key in wanted and key != UNTRUSTED_KEY}
    other = shaped.get(UNTRUSTED_KEY)
    if isinstance(other, Mapping):
        kept = {key: value for key, value in other.items() if key in wanted}
        if kept:
            result[UNTRUSTED_KEY] = group(kept)
    return result


def pick_lines(lines: object, keys: Collection[str]) -> list[dict[str, Any]]:
    """Keep only ``keys`` of each dict in a list of lines (items, shipments)."""
    if not isinstance(lines, list):
        return []
    return [
        {key: value for key, value in line.items() if key in keys}
        for line in lines
        if isinstance(line, Mapping)
    ]


def untrusted_part(shaped: Mapping[str, Any]) -> dict[str, Any]:
    """Return the untrusted fields of a shaped record, without the notice."""
    other = shaped.get(UNTRUSTED_KEY)
    if not isinstance(other, Mapping):
        return {}
    return {key: value for key, value in other.items() if key != NOTICE_KEY}
