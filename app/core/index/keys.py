"""Keys that let the full-text table answer date order and folder/source filters by itself.

On a big store a common word matches hundreds of thousands of orders. Sorting those by date,
or joining each to its row to test its folder, costs time in proportion to the matches. So
the full-text table is laid out to need neither:

* its rowid is the order's **date key**, ``date_added`` in the high bits and the order's own
  rowid in the low ones, so "newest first" is the table's own order and a page of the newest
  matches is read without looking at the others, and a date range is a rowid range;
* a ``tags`` column holds one token for the order's folder and one for its source, so a
  folder or source filter is part of the MATCH expression and FTS5 intersects the lists.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

LOW_BITS = 30
_LOW_MASK = (1 << LOW_BITS) - 1
TEXT_COLUMNS = ("ids", "people", "items", "notes")
TAG_COLUMN = "tags"


def date_key(date_added: int | None, rowid: int) -> int:
    """The order's place in date order: ``date_added`` (epoch seconds, none = 0) then rowid.

    Unique in practice (two orders would need the same second and rowids 2^30 apart); the
    writer probes the next free key when it is not (:func:`next_free_key`).
    """
    return (max(0, date_added or 0) << LOW_BITS) | (rowid & _LOW_MASK)


def key_bounds(start: datetime | None, end: datetime | None) -> tuple[int | None, int | None]:
    """Date-key bounds of orders added in ``[start, end]`` (inclusive, whole seconds).

    Any bound leaves out orders without a date (their key counts as second 0), as a date
    comparison does in SQL.
    """
    if start is None and end is None:
        return None, None
    low = max(1, 0 if start is None else _seconds(start)) << LOW_BITS
    high = None if end is None else ((_seconds(end) + 1) << LOW_BITS) - 1
    return low, high


def _seconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int(moment.timestamp() // 1))


def folder_tag(folder_id: int | None) -> str:
    """The token of a folder in the ``tags`` column."""
    return "fldnone" if folder_id is None else f"fld{folder_id}".replace("-", "m")


def source_tag(source_name: str) -> str:
    """The token of an order source (exact name, any characters) in the ``tags`` column."""
    return "src" + hashlib.sha1(source_name.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def tags_text(folder_id: int | None, source_name: str) -> str:
    """The ``tags`` column of an order."""
    return f"{folder_tag(folder_id)} {source_tag(source_name)}"
