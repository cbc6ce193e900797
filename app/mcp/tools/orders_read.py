"""Order reading tools: ``orders_list`` (search with paging) and ``orders_get``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from app.core.services.filters import OrderFilters
from app.mcp.shaping import ORDER_FIELDS, UNTRUSTED_HINT, page_info, shape_order
from app.mcp.tools.base import ToolOutput, ToolSpec, reader
from app.mcp.tools.context import Call
from app.mcp.tools.freshness import FRESHNESS_SCHEMA, age_text, freshness
from app.mcp.tools.params import (
    DateArg,
    Detail,
    Limit,
    Offset,
    OrderId,
    StoreArg,
    wire_date,
)
from app.mcp.tools.schema import PAGE, RECORD, ToolInput, list_of, obj


def _known_field(name: str) -> str:
    if name not in ORDER_FIELDS:
        raise ValueError(f"unknown order field {name!r}; choose from {', '.join(ORDER_FIELDS)}")
    return name


OrderField = Annotated[str, AfterValidator(_known_field)]
Fields = Annotated[
    list[OrderField] | None,
    Field(default=None, min_length=1, max_length=len(ORDER_FIELDS)),
]
Text = Annotated[str | None, Field(default=None, min_length=1, max_length=200)]


class OrdersListInput(ToolInput):
    """Search orders."""

    store: StoreArg = None
    folder_id: Annotated[
        list[Annotated[int, Field(ge=0)]] | None,
        Field(min_length=1, max_length=50, description="Folder id(s) (see store_info)."),
    ] = None
    folder_name: Text = Field(default=None, description="Exact folder name instead of an id.")
    source_id: Text = Field(default=None, description="The cart's own order number.")
    source_name: Text = Field(default=None, description="Order source, e.g. Shopify.")
    email: Text = Field(default=None, description="Customer e-mail (exact).")
    customer_id: Text = None
    shipping_first_name: Text = None
    shipping_last_name: Text = None
    customer_first_name: Text = None
    customer_last_name: Text = None
    added_from: DateArg | None = None
    added_to: DateArg | None = None
    modified_from: DateArg | None = None
    modified_to: DateArg | None = None
    dates_in_store_time: bool = Field(
        default=False, description="Read added_from/added_to in the store's time zone."
    )
    order_by: Literal["date_added", "date_updated", "order_total", "source_id", "id"] = "date_added"
    order: Literal["asc", "desc"] = "desc"
    include_history: bool = Field(
        default=False, description="Include each order's history (slow; use a small limit)."
    )
    limit: Limit = 25
    offset: Offset = 0
    detail: Detail = "summary"
    fields: Fields = None
    fresh: bool = False

    @model_validator(mode="after")
    def _one_folder_filter(self) -> OrdersListInput:
        if self.folder_id is not None and self.folder_name is not None:
            raise ValueError("give folder_id or folder_name, not both")
        return self


_PASSED = (
    "added_from",
    "added_to",
    "modified_from",
    "modified_to",
    "email",
    "source_id",
    "source_name",
    "customer_id",
    "shipping_first_name",
    "shipping_last_name",
    "customer_first_name",
    "customer_last_name",
    "order_by",
    "order",
    "include_history",
)


def list_filters(params: OrdersListInput) -> OrderFilters:
    """Translate tool arguments into the order service's search filters."""
    folders: list[int | str] | None = None
    if params.folder_id is not None:
        folders = list(params.folder_id)
    elif params.folder_name is not None:
        folders = [params.folder_name]
    values: dict[str, Any] = {key: getattr(params, key) for key in _PASSED}
    for key in ("added_from", "added_to", "modified_from", "modified_to"):
        if values[key] is not None:
            values[key] = wire_date(values[key])
    return OrderFilters(folders=folders, dates_local=params.dates_in_store_time, **values)


async def orders_list(call: Call, params: OrdersListInput) -> ToolOutput:
    """Search orders and return one page, shaped."""
    services = call.app.services
    folders = (await services.stores.info(call.store)).folders
    page = await services.orders.list(
        call.store,
        list_filters(params),
        limit=params.limit,
        offset=params.offset,
        fresh=params.fresh,
    )
    orders = [
        shape_order(order.raw, params.detail, params.fields, folders) for order in page.orders
    ]
    paging = page_info(
        total=page.total, offset=page.offset, returned=len(orders), tool="orders_list"
    )
    age = freshness(page.as_of, page.source)
    return ToolOutput(
        {"orders": orders, "page": paging, **age},
        f"{len(orders)} order(s). {paging['hint']} {age_text(age)}",
    )


class OrdersGetInput(ToolInput):
    """Read one order."""

    store: StoreArg = None
    order_id: OrderId
    detail: Detail = "standard"
    fields: Fields = None
    fresh: bool = False


async def orders_get(call: Call, params: OrdersGetInput) -> ToolOutput:
    """Read one order from the local mirror when it is fresh enough, else from Order Desk."""
    services = call.app.services
    folders = (await services.stores.info(call.store)).folders
    order = await services.orders.get(call.store, params.order_id, fresh=params.fresh)
    shaped = shape_order(order.raw, params.detail, params.fields, folders)
    version = str(order.raw.get("date_updated") or "")
    age = freshness(order.as_of, "mirror" if order.from_mirror else "live")
    data = {"order": shaped, "date_updated": version, **age}
    text = f"Order {order.id} (source {order.source_id}), updated {version}. {age_text(age)}"
    return ToolOutput(data, text)


ORDER_DESCRIPTION_TAIL = " " + UNTRUSTED_HINT

TOOLS: list[ToolSpec[Any]] = [
    reader(
        "orders_list",
        "Search orders",
        "Find orders by folder, source, e-mail, name, customer id or date filters; "
        "sorted and paged. Bound searches by date when you can." + ORDER_DESCRIPTION_TAIL,
        OrdersListInput,
        obj({"orders": list_of(RECORD), "page": PAGE, **FRESHNESS_SCHEMA}, ("orders", "page")),
        orders_list,
    ),
    reader(
        "orders_get",
        "Get an order",
        "Read one order by its id (its date_updated is what orders_update's "
        "expected_date_updated wants)." + ORDER_DESCRIPTION_TAIL,
        OrdersGetInput,
        obj(
            {"order": RECORD, "date_updated": {"type": "string"}, **FRESHNESS_SCHEMA},
            ("order", "date_updated"),
        ),
        orders_get,
    ),
]
