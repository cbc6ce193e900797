"""Find orders deleted in Order Desk (or missed) by comparing counts over date ranges.

The API has no "list ids" call: every list page carries full orders, so walking all ids would
cost as much as a full sync (``N / 500`` requests). Instead we ask only for counts: a
``limit=1`` request over a ``date_added`` range returns ``total_records`` for the range.

* Whole range agrees with the index: done, **1 request**.
* A range disagrees: split it in two (by the index's median ``date_added``, or by time when
  orders are missing), ask for the left half's count (the right half's is the difference),
  and descend only into halves that disagree. A range holding at most 500 orders is fetched
  in one page: orders not in the answer are deleted locally, orders missing locally are added.

Cost: each deleted order costs about ``log2(N / 500) + 2`` requests (≈ 10 for 100k orders),
deletions close together share them; the worst case (changes everywhere) stays below two
full walks. Limit: a deletion and a missed order in the same range cancel out in the counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from app.core.index.store_index import OrderIndex
from app.core.index.sync import in_thread, stamp_text
from app.core.orderdesk import Order, OrderDeskClient
from app.core.orderdesk.parsing import MAX_PAGE_SIZE


@dataclass
class ReconcileResult:
    """What a reconciliation did."""

    requests: int = 0
    upserted: int = 0
    deleted: int = 0


Range = tuple[int, int, int]  # (first second, last second, orders Order Desk has there)


class Reconciler:
    """Compare one store's index with Order Desk by ``date_added`` ranges.

    Args:
        client: The store's client.
        index: The store's index.
        progress: Called with ``(ranges checked, ranges known)`` as it goes.
    """

    def __init__(
        self, client: OrderDeskClient, index: OrderIndex, progress: Callable[[int, int], None]
    ) -> None:
        self.client = client
        self.index = index
        self.progress = progress
        self.result = ReconcileResult()

    async def run(self) -> ReconcileResult:
        """Reconcile every order the index holds (by its ``date_added`` span)."""
        bounds = await in_thread(self.index.added_bounds)
        if bounds is None:
            return self.result
        first, last = bounds
        pending: list[Range] = [(first, last, await self._remote_count(first, last))]
        checked = 0
        while pending:
            start, end, remote = pending.pop()
            local = await in_thread(self.index.count_added, start, end)
            checked += 1
            if remote != local:
                pending.extend(await self._resolve(start, end, remote, local))
            self.progress(checked, checked + len(pending))
        return self.result

    async def _resolve(self, start: int, end: int, remote: int, local: int) -> list[Range]:
        if remote <= MAX_PAGE_SIZE or start == end:
            await self._replace_range(start, end)
            return []
        if local > remote:
            middle = await in_thread(self.index.added_at_rank, start, end, local // 2)
        else:
            middle = (start + end) // 2
        middle = min(max(middle, start), end - 1)
        left = await self._remote_count(start, middle)
        return [(start, middle, left), (middle + 1, end, remote - left)]

    async def _remote_count(self, start: int, end: int) -> int:
        self.result.requests += 1
        page = await self.client.list_orders(limit=1, **_range(start, end))
        return page.total_records

    async def _replace_range(self, start: int, end: int) -> None:
        orders: list[Order] = []
        offset = 0
        sent = time.time()
        while True:
            self.result.requests += 1
            page = await self.client.list_orders(
                limit=MAX_PAGE_SIZE, offset=offset, order_by="id", order="asc", **_range(start, end)
            )
            orders.extend(page.records)
            if page.is_last:
                break
            offset = page.offset + page.records_returned
        remote_ids = {order.id for order in orders}
        local_ids = await in_thread(self.index.ids_added, start, end)
        gone = local_ids - remote_ids
        self.result.deleted += await in_thread(
            partial(self.index.delete_ids, gone, seen_before=sent)
        )
        missing = [order.raw for order in orders if order.id not in local_ids]
        if missing:
            self.result.upserted += await in_thread(
                partial(self.index.write_page, missing, seen_at=sent)
            )


def _range(start: int, end: int) -> dict[str, Any]:
    return {"search_start_date": stamp_text(start), "search_end_date": stamp_text(end)}
