"""Tools over the local order index: ``orders_search`` and ``orders_stats``.

Both answer from the app's local copy of the store's orders (no Order Desk request, except
``detail=full``, which reads the page's orders live) and say how fresh that copy is.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from app.core.index import GroupBy, SearchFilters, SortKey
from app.core.orderdesk import OrderDeskError, to_datetime
from app.core.services.filters import resolve_folder
from app.mcp.shaping import UNTRUSTED_HINT, page_info, shape_order
from app.mcp.tools.base import ToolError, ToolOutput, ToolSpec, reader
from app.mcp.tools.context import Call
from app.mcp.tools.local_rows import freshness, indexed_order, stats_group
from app.mcp.tools.params import DateArg, Detail, Limit, Money, Offset, StoreArg
from app.mcp.tools.schema import (
    INTEGER,
    MONEY,
    NULLABLE_STRING,
    PAGE,
    RECORD,
    STRING,
    ToolInput,
    list_of,
    obj,
)

FULL_DETAIL_LIMIT = 20
"""Most orders ``detail=full`` reads live in one call."""

Text = Annotated[str | None, Field(default=None, min_length=1, max_length=200)]
FolderIds = Annotated[
    list[Annotated[int, Field(ge=0)]] | None,
    Field(default=None, min_length=1, max_length=50, description="Folder id(s) (store_info)."),
]


class DateRange(ToolInput):
    """Shared date bounds: when orders were added (UTC, inclusive)."""

    added_from: DateArg | None = None
    added_to: DateArg | None = None


class OrdersSearchInput(DateRange):
    """Search the local copy of a store's orders."""

    store: StoreArg = None
    query: Annotated[str, Field(max_length=200)] = Field(
        default="",
        description="Words that must all match (the last also as a prefix); empty: all.",
    )
    folder_id: FolderIds = None
    folder_name: Text = Field(default=None, description="Folder name instead of an id.")
    source_name: Text = Field(default=None, description="Exact order source, e.g. Shopify.")
    updated_from: DateArg | None = None
    updated_to: DateArg | None = None
    total_min: Money | None = Field(default=None, description="Smallest order total.")
    total_max: Money | None = Field(default=None, description="Largest order total.")
    sort: Literal["relevance", "date_added", "date_updated", "total"] | None = Field(
        default=None,
        description="Default: relevance with a query (ranks the newest 5,000 matches), "
        "else date_added.",
    )
    order: Literal["asc", "desc"] = "desc"
    limit: Limit = 25
    offset: Offset = 0
    detail: Detail = "summary"

    @model_validator(mode="after")
    def _consistent(self) -> OrdersSearchInput:
        if self.folder_id is not None and self.folder_name is not None:
            raise ValueError("give folder_id or folder_name, not both")
        low, high = self.total_min, self.total_max
        if low is not None and high is not None and low > high:
            raise ValueError("total_min is larger than total_max")
        if self.detail == "full" and self.limit > FULL_DETAIL_LIMIT:
            raise ValueError(
                f"detail=full reads each order live; use limit <= {FULL_DETAIL_LIMIT} with it"
            )
        return self


def _moment(name: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return to_datetime(text)
    except ValueError:
        raise ToolError(f"Argument '{name}' is not a real date or time ({text!r}).") from None


def _range(params: DateRange, start: str, end: str) -> tuple[datetime | None, datetime | None]:
    low = _moment(start, getattr(params, start))
    high = _moment(end, getattr(params, end))
    if low is not None and high is not None and low > high:
        raise ToolError(f"'{start}' is later than '{end}'; swap them or widen the range.")
    return low, high


async def _folders(call: Call, needed: bool) -> dict[int, str]:
    """The store's folders for names; without Order Desk they are unknown (empty)."""
    try:
        return (await call.app.services.stores.info(call.store)).folders
    except OrderDeskError:
        if needed:
            raise
        return {}


def search_filters(params: OrdersSearchInput, folders: dict[int, str]) -> SearchFilters:
    """Translate tool arguments into the index's search filters.

    Raises:
        ToolError: A date is not a real date, or a range is reversed.
        FolderNotFoundError: An unknown folder name.
    """
    added = _range(params, "added_from", "added_to")
    updated = _range(params, "updated_from", "updated_to")
    folder_ids: tuple[int, ...] = tuple(params.folder_id or ())
    if params.folder_name is not None:
        folder_ids = (resolve_folder(params.folder_name, folders),)
    return SearchFilters(
        folder_ids=folder_ids,
        source_names=(params.source_name,) if params.source_name else (),
        added_from=added[0],
        added_to=added[1],
        updated_from=updated[0],
        updated_to=updated[1],
        total_min=params.total_min,
        total_max=params.total_max,
    )


async def orders_search(call: Call, params: OrdersSearchInput) -> ToolOutput:
    """Search the local index and return one page with paging and freshness."""
    folders = await _folders(call, needed=params.folder_name is not None)
    filters = search_filters(params, folders)
    sort = params.sort or ("relevance" if params.query.strip() else "date_added")
    found = await call.app.services.local_orders.search(
        call.store,
        params.query,
        filters,
        SortKey(sort),
        params.limit,
        params.offset,
        descending=params.order == "desc",
    )
    rows = found.result.rows
    if params.detail == "full":
        orders = [await _live(call, row.id, folders) for row in rows]
    else:
        orders = [indexed_order(row, params.detail, folders) for row in rows]
    paging = page_info(
        total=found.result.total, offset=params.offset, returned=len(orders), tool="orders_search"
    )
    index = freshness(found.status)
    summary = f"{len(orders)} order(s) from the local index ({index['state']}). {paging['hint']}"
    ranked = found.result.ranked
    if ranked is not None and ranked < found.result.total:
        summary += (
            f" Ranked by relevance among the newest {ranked:,} of {found.result.total:,} "
            "matches, the rest newest first: add words or a date range to narrow."
        )
    return ToolOutput({"orders": orders, "page": paging, "index": index}, summary)


async def _live(call: Call, order_id: str, folders: dict[int, str]) -> dict[str, Any]:
    order = await call.app.services.orders.get(call.store, order_id)
    return shape_order(order.raw, "full", None, folders)


class OrdersStatsInput(DateRange):
    """Order counts and revenue from the local copy of a store's orders."""

    store: StoreArg = None
    group_by: Literal["folder", "day", "source"] = Field(
        default="folder",
        description="Folder, UTC day added (YYYY-MM-DD) or order source.",
    )


async def orders_stats(call: Call, params: OrdersStatsInput) -> ToolOutput:
    """Count orders and sum their totals per group, from the local index."""
    added = _range(params, "added_from", "added_to")
    found = await call.app.services.local_orders.stats(
        call.store, GroupBy(params.group_by), added[0], added[1]
    )
    folders = await _folders(call, needed=False) if params.group_by == "folder" else {}
    result = found.result
    index = freshness(found.status)
    data = {
        "group_by": params.group_by,
        "groups": [stats_group(entry, params.group_by, folders) for entry in result.groups],
        "count": result.count,
        "revenue": str(result.revenue.quantize(Decimal("0.01"))),
        "index": index,
    }
    summary = (
        f"{result.count} order(s), revenue {data['revenue']}, in {len(result.groups)} "
        f"group(s) by {params.group_by}, from the local index ({index['state']})."
    )
    return ToolOutput(data, summary)


INDEX: dict[str, Any] = obj(
    {
        "state": {"type": "string", "enum": ["empty", "syncing", "interrupted", "ready", "failed"]},
        "last_synced_at": NULLABLE_STRING,
        "count": INTEGER,
        "note": STRING,
    },
    ("state", "last_synced_at", "count"),
)
GROUP = obj(
    {"key": STRING, "folder_name": STRING, "count": INTEGER, "revenue": MONEY},
    ("key", "count", "revenue"),
)
LOCAL_COPY = (
    " From the app's local copy (no Order Desk requests; `index` says how fresh); check an "
    "order with orders_get before changing it."
)

TOOLS: list[ToolSpec[Any]] = [
    reader(
        "orders_search",
        "Search orders (local index)",
        f"Full-text search over orders (names, e-mail, ids, SKUs, item names, notes), "
        f"filtered; detail=full reads live (limit <= {FULL_DETAIL_LIMIT})."
        + LOCAL_COPY
        + " "
        + UNTRUSTED_HINT,
        OrdersSearchInput,
        obj(
            {"orders": list_of(RECORD), "page": PAGE, "index": INDEX},
            ("orders", "page", "index"),
        ),
        orders_search,
    ),
    reader(
        "orders_stats",
        "Order statistics (local index)",
        "Order count and revenue per folder, UTC day or source, for orders added in a date range."
        + LOCAL_COPY,
        OrdersStatsInput,
        obj(
            {
                "group_by": STRING,
                "groups": list_of(GROUP),
                "count": INTEGER,
                "revenue": MONEY,
                "index": INDEX,
            },
            ("group_by", "groups", "count", "revenue", "index"),
        ),
        orders_stats,
    ),
]
