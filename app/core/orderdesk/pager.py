"""Walk every page of a paginated list, 500 records at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from app.core.orderdesk.models import Page, RecordT
from app.core.orderdesk.parsing import MAX_PAGE_SIZE

FetchPage = Callable[[int, int], Awaitable[Page[RecordT]]]


async def iterate_pages(
    fetch: FetchPage[RecordT], *, limit: int = MAX_PAGE_SIZE, offset: int = 0
) -> AsyncIterator[RecordT]:
    """Yield every record of a list, fetching page after page.

    Stops when a page returns fewer records than its limit, when ``offset + records_returned``
    reaches ``total_records``, or when a page is empty.

    Args:
        fetch: ``fetch(offset, limit)`` returns one page (filters already bound).
        limit: Page size (at most 500).
        offset: Where to start.

    Yields:
        The records in server order.
    """
    while True:
        page = await fetch(offset, limit)
        for record in page.records:
            yield record
        if page.is_last:
            return
        offset = page.offset + page.records_returned
