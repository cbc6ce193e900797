"""How old an answer is: reads from the local mirror (or a cached page) say so."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

FRESHNESS_SCHEMA: dict[str, Any] = {
    "as_of": {"type": ["string", "null"], "description": "When the data matched Order Desk."},
    "age_seconds": {"type": ["number", "null"]},
    "source": {"type": "string", "enum": ["live", "mirror"]},
}


def freshness(as_of: float | None, source: str) -> dict[str, Any]:
    """``as_of`` (UTC text), ``age_seconds`` and ``source`` of an answer."""
    if as_of is None:
        return {"as_of": None, "age_seconds": None, "source": source}
    age = max(0.0, time.time() - as_of)
    moment = datetime.fromtimestamp(as_of, UTC).strftime("%Y-%m-%d %H:%M:%S")
    return {"as_of": moment, "age_seconds": round(age, 1), "source": source}


def age_text(data: dict[str, Any]) -> str:
    """A short sentence: "As of 3 s ago (local mirror)." / "Read from Order Desk now."."""
    age = data.get("age_seconds")
    if data.get("source") == "mirror":
        return f"As of {age:.0f} s ago (local mirror; fresh=true reads Order Desk)."
    if age is None or age < 1:
        return "Read from Order Desk now."
    return f"As of {age:.0f} s ago (Order Desk answer reused; fresh=true reads again)."
