"""Paging metadata that tells a model how many records exist and how to get the next page."""

from __future__ import annotations

from typing import Any


def page_info(*, total: int, offset: int, returned: int, tool: str) -> dict[str, Any]:
    """Describe one page of a list result.

    Args:
        total: Records matching the search in all pages.
        offset: Offset of this page's first record.
        returned: Records in this page.
        tool: Name of the tool that lists them, for the hint.

    Returns:
        ``total``, ``returned``, ``offset``, ``next_offset`` (None on the last page) and a
        one-sentence ``hint``.
    """
    end = offset + returned
    next_offset = end if returned and end < total else None
    if returned == 0:
        hint = f"No records at offset {offset}; {total} match in total."
    elif next_offset is None:
        hint = f"Records {offset + 1}-{end} of {total}; this is the last page."
    else:
        hint = (
            f"Records {offset + 1}-{end} of {total}. For the next page call {tool} again "
            f"with the same arguments and offset={next_offset}."
        )
    return {
        "total": total,
        "returned": returned,
        "offset": offset,
        "next_offset": next_offset,
        "hint": hint,
    }
