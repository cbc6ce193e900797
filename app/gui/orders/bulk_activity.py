"""How Activity shows a bulk job: each order is its own ledger row, and the rows of one job share
a batch id (:mod:`.bulk`), shown next to the action and summed up for the selected row."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.core.services import Services

GROUP_LIMIT = 500
"""Rows of one job read for its summary (a larger job is summed up from its newest rows)."""


def action_text(entry: Any) -> str:
    """The Action column: ``order.move``, or ``order.move · bulk 1a2b3c4d`` for a job's row."""
    batch = getattr(entry, "batch", None)
    return f"{entry.action} · bulk {batch}" if batch else str(entry.action)


def group_text(batch: str, entries: list[Any], total: int) -> str:
    """One line about a whole job: how many orders, what, and how each ended."""
    actions = sorted({str(entry.action) for entry in entries})
    states = Counter(str(entry.state) for entry in entries)
    ended = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    read = "" if len(entries) >= total else f" (newest {len(entries)} summed up)"
    return (
        f"Bulk job {batch}: {total:,} order{'s' if total != 1 else ''}, one row each"
        f" ({', '.join(actions)}): {ended}{read}."
    )


async def group_summary(services: Services, batch: str) -> str:
    """Read a job's rows from the ledger and sum them up (:func:`group_text`)."""
    page = await services.audit.query(batch=batch, limit=GROUP_LIMIT)
    return group_text(batch, list(page.entries), page.total)
