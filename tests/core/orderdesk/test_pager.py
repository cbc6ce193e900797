"""The pager walks pages until the server says there are no more."""

from __future__ import annotations

from app.core.orderdesk import Order, Page, iterate_pages


def make_fetch(total: int, calls: list[tuple[int, int]], *, server_limit: int | None = None):  # type: ignore[no-untyped-def]
    async def fetch(offset: int, limit: int) -> Page[Order]:
        calls.append((offset, limit))
        size = min(server_limit or limit, limit)
        records = [Order({"id": str(n)}) for n in range(offset, min(offset + size, total))]
        return Page(
            records, total_records=total, offset=offset, limit=size, records_returned=len(records)
        )

    return fetch


async def test_walks_all_pages() -> None:
    calls: list[tuple[int, int]] = []
    ids = [order.id async for order in iterate_pages(make_fetch(1234, calls))]
    assert ids == [str(n) for n in range(1234)]
    assert calls == [(0, 500), (500, 500), (1000, 500)]


async def test_stops_on_exact_multiple_without_an_empty_page() -> None:
    calls: list[tuple[int, int]] = []
    ids = [order.id async for order in iterate_pages(make_fetch(1000, calls))]
    assert len(ids) == 1000
    assert calls == [(0, 500), (500, 500)]


async def test_follows_a_server_that_clamps_the_limit() -> None:
    calls: list[tuple[int, int]] = []
    ids = [order.id async for order in iterate_pages(make_fetch(250, calls, server_limit=100))]
    assert len(ids) == 250
    assert [offset for offset, _ in calls] == [0, 100, 200]


async def test_empty_result() -> None:
    calls: list[tuple[int, int]] = []
    assert [order async for order in iterate_pages(make_fetch(0, calls))] == []
    assert calls == [(0, 500)]
