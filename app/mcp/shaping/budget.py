"""Keep every tool result within a size budget, and the untrusted-data notice to one per result.

Clients refuse or truncate large tool results (Claude Code rejects results over 25,000 tokens
by default), so a result is measured the way a model receives it: its JSON text, counted as
characters / 4 (a fair estimate of tokens for JSON). A list result that is too large keeps its
first records that fit (the page gets a new ``next_offset``, so the rest is one call away) and
says so; a record that alone is too large is cut to its plain fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.mcp.shaping.paging import page_info
from app.mcp.shaping.untrusted import NOTICE_KEY, UNTRUSTED_KEY, UNTRUSTED_NOTICE

CHARS_PER_TOKEN = 4
DEFAULT_BUDGET_TOKENS = 8000
BUDGET_KEY = "budget"


def tokens(data: object) -> int:
    """Estimate the tokens of ``data`` as a model reads it: compact JSON characters / 4."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def hoist_notice(data: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the notice from every nested ``untrusted`` group; put it once at the top.

    Args:
        data: A tool result's structured content.

    Returns:
        A copy whose first key is ``_notice`` when any untrusted group is present, and whose
        groups keep only their fields (the ``untrusted`` key itself still marks them).
    """
    found = [False]
    body = _strip(data, found)
    if not found[0]:
        return dict(body)
    return {NOTICE_KEY: UNTRUSTED_NOTICE, **{k: v for k, v in body.items() if k != NOTICE_KEY}}


def _strip(node: Any, found: list[bool]) -> Any:
    if isinstance(node, Mapping):
        result: dict[str, Any] = {}
        for key, value in node.items():
            if key == UNTRUSTED_KEY and isinstance(value, Mapping):
                found[0] = True
                result[key] = {k: _strip(v, found) for k, v in value.items() if k != NOTICE_KEY}
            else:
                result[key] = _strip(value, found)
        return result
    if isinstance(node, list):
        return [_strip(item, found) for item in node]
    return node


@dataclass(frozen=True)
class Fitted:
    """A result after fitting: its data, and a sentence saying what was cut (or None)."""

    data: dict[str, Any]
    note: str | None


def fit(data: Mapping[str, Any], budget_tokens: int, tool: str) -> Fitted:
    """Return ``data`` cut down to ``budget_tokens`` where it can be.

    A list result (one list of records next to a ``page``) keeps the longest first part of the
    page that fits; its ``page`` is recomputed so ``next_offset`` points at the first record
    left out. When not even one record fits, each record is cut to its plain (non-nested)
    fields. A ``budget`` entry then says what happened and how to get the rest.

    Args:
        data: The structured content, notice already hoisted.
        budget_tokens: The most tokens the result may take.
        tool: The tool's name, for the next-page hint.
    """
    body = dict(data)
    if tokens(body) <= budget_tokens:
        return Fitted(body, None)
    key = _records_key(body)
    if key is None:
        return Fitted(body, None)
    records: list[Any] = body[key]
    page: dict[str, Any] = dict(body["page"])
    kept = _longest_fit(body, key, records, page, budget_tokens, tool)
    if kept > 0:
        note = (
            f"Only {kept} of the {len(records)} records asked for fit the result budget of "
            f"{budget_tokens} tokens; ask for the rest with offset={page['offset'] + kept}, "
            "or use a smaller detail level or `fields` to get more per call."
        )
        return Fitted(_with_page(body, key, records[:kept], page, tool, note), note)
    slim = [_plain_fields(record) for record in records]
    kept = _longest_fit(body, key, slim, page, budget_tokens, tool)
    count = max(kept, 1)
    note = (
        f"The records are too large for the result budget of {budget_tokens} tokens, so they "
        f"are cut to their plain fields ({count} of {len(records)}); read one record with its "
        "get tool and `fields` for its nested parts."
    )
    return Fitted(_with_page(body, key, slim[:count], page, tool, note), note)


def _records_key(body: Mapping[str, Any]) -> str | None:
    if not isinstance(body.get("page"), Mapping):
        return None
    lists = [key for key, value in body.items() if isinstance(value, list)]
    return lists[0] if len(lists) == 1 else None


def _with_page(
    body: Mapping[str, Any],
    key: str,
    records: list[Any],
    page: Mapping[str, Any],
    tool: str,
    note: str,
) -> dict[str, Any]:
    paging = page_info(
        total=int(page["total"]), offset=int(page["offset"]), returned=len(records), tool=tool
    )
    return {**body, key: records, "page": paging, BUDGET_KEY: note}


def _longest_fit(
    body: Mapping[str, Any],
    key: str,
    records: list[Any],
    page: Mapping[str, Any],
    budget_tokens: int,
    tool: str,
) -> int:
    """Binary search the most leading records whose result fits (a note's size included)."""
    placeholder = "x" * 320
    low, high = 0, len(records)
    while low < high:
        middle = (low + high + 1) // 2
        trial = _with_page(body, key, records[:middle], page, tool, placeholder)
        if tokens(trial) <= budget_tokens:
            low = middle
        else:
            high = middle - 1
    return low


def _plain_fields(record: Any) -> Any:
    """A record without its nested lists and objects (the untrusted group's scalars stay)."""
    if not isinstance(record, Mapping):
        return record
    slim = {k: v for k, v in record.items() if not isinstance(v, list | Mapping)}
    other = record.get(UNTRUSTED_KEY)
    if isinstance(other, Mapping):
        kept = {k: v for k, v in other.items() if not isinstance(v, list | Mapping)}
        if kept:
            slim[UNTRUSTED_KEY] = kept
    return slim
