"""Inventory ("products") tools: search, read, create, update, delete, batch update."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field

from app.core.services import InventoryFilters, OrderConflict, apply_changes, diff
from app.core.services.merge import INVENTORY_RULES
from app.core.services.update import same_version
from app.mcp.shaping import PRODUCT_FIELDS, UNTRUSTED_HINT, page_info, shape_product
from app.mcp.tools import approvals
from app.mcp.tools.base import ToolOutput, ToolSpec, reader, writer
from app.mcp.tools.context import Call
from app.mcp.tools.params import (
    DateArg,
    Detail,
    Limit,
    Money,
    Offset,
    RecordId,
    StoreArg,
)
from app.mcp.tools.schema import INTEGER, PAGE, RECORD, STRING, ToolInput, list_of, obj

ProductId = RecordId
Short = Annotated[str, Field(min_length=1, max_length=200)]


def _known(name: str) -> str:
    if name not in PRODUCT_FIELDS:
        raise ValueError(f"unknown field {name!r}; choose from {', '.join(PRODUCT_FIELDS)}")
    return name


Fields = Annotated[
    list[Annotated[str, AfterValidator(_known)]] | None,
    Field(default=None, min_length=1, max_length=len(PRODUCT_FIELDS)),
]


class ProductsListInput(ToolInput):
    """Search inventory."""

    store: StoreArg = None
    search: Short | None = Field(default=None, description="Free text over name, SKU and more.")
    code: Short | None = Field(default=None, description="Exact SKU.")
    name: Short | None = Field(default=None, description="Text in the name.")
    category: Short | None = Field(default=None, description="Exact category, any case.")
    description: Short | None = Field(default=None, description="Text in the description.")
    limit: Limit = 50
    offset: Offset = 0
    detail: Detail = "summary"
    fields: Fields = None


async def products_list(call: Call, params: ProductsListInput) -> ToolOutput:
    """Search inventory items (server filters sent to Order Desk, the rest applied here)."""
    filters = InventoryFilters(
        code=params.code,
        search=params.search,
        name=params.name,
        description=params.description,
        category=params.category,
    )
    page = await call.app.services.inventory.list(
        call.store, filters, limit=params.limit, offset=params.offset
    )
    products = [shape_product(item.raw, params.detail, params.fields) for item in page.items]
    paging = page_info(
        total=page.total, offset=page.offset, returned=len(products), tool="products_list"
    )
    return ToolOutput(
        {"products": products, "page": paging}, f"{len(products)} product(s). {paging['hint']}"
    )


class ProductsGetInput(ToolInput):
    """Read one item."""

    store: StoreArg = None
    product_id: ProductId
    detail: Detail = "full"
    fields: Fields = None


async def products_get(call: Call, params: ProductsGetInput) -> ToolOutput:
    """Read one inventory item."""
    item = await call.app.services.inventory.get(call.store, params.product_id)
    data = {
        "product": shape_product(item.raw, params.detail, params.fields),
        "date_updated": str(item.raw.get("date_updated") or ""),
    }
    return ToolOutput(data, f"Product {item.id} ({item.code}), stock {item.stock}.")


class NewProduct(ToolInput):
    """An inventory item's fields."""

    name: Short
    code: Annotated[str, Field(min_length=1, max_length=100, description="SKU; unique.")]
    price: Money
    cost: Money | None = None
    weight: Money | None = None
    stock: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    location: Short | None = None
    manufacturer_sku: Short | None = None
    variation_list: dict[str, Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=20
    )


class ProductsCreateInput(NewProduct):
    """A new inventory item."""

    store: StoreArg = None


async def products_create(call: Call, params: ProductsCreateInput) -> ToolOutput:
    """Create an inventory item after approval."""
    body = params.model_dump(exclude_none=True, exclude={"store"})
    await call.approve(
        f"new product {params.code}",
        f"Create product {params.code}.",
        approvals.additions(body),
    )
    item = await call.app.services.inventory.create(call.store, body, actor=call.actor)
    data = {"product": shape_product(item.raw, "full")}
    return ToolOutput(data, f"Created product {item.id} ({item.code}).")


class ProductsUpdateInput(ToolInput):
    """A change to one inventory item."""

    store: StoreArg = None
    product_id: ProductId
    changes: Annotated[dict[str, object], Field(min_length=1, max_length=30)] = Field(
        description='Only the fields to change, e.g. {"stock": 12, "price": "9.50"}; '
        "variation_list and metadata merge key by key (null removes a key)."
    )
    expected_date_updated: DateArg | None = Field(
        default=None,
        description="The date_updated you read: if the item changed since, nothing is written.",
    )


async def products_update(call: Call, params: ProductsUpdateInput) -> ToolOutput:
    """Preview the merged change, get approval, then write it with the version check."""
    inventory = call.app.services.inventory
    current = await inventory.get(call.store, params.product_id)
    version = str(current.raw.get("date_updated") or "")
    if params.expected_date_updated is not None and not same_version(
        params.expected_date_updated, version
    ):
        raise OrderConflict(
            current.id, params.expected_date_updated, version, kind="inventory item"
        )
    preview = diff(current.raw, apply_changes(current.raw, params.changes, INVENTORY_RULES))
    if not preview:
        return ToolOutput(
            {"product_id": params.product_id, "changed_fields": [], "written": False},
            "The product already has those values; nothing was written.",
        )
    await call.approve(
        f"product {params.product_id}",
        f"Change product {params.product_id}.",
        approvals.from_service(preview),
    )
    item = await inventory.update(
        call.store,
        params.product_id,
        params.changes,
        expected_date_updated=version or None,
        actor=call.actor,
    )
    changed = [change.name for change in preview]
    data = {
        "product_id": item.id,
        "changed_fields": changed,
        "written": True,
        "date_updated": str(item.raw.get("date_updated") or ""),
    }
    return ToolOutput(data, f"Updated product {item.id}: {', '.join(changed)}.")


class ProductsDeleteInput(ToolInput):
    """Delete one inventory item."""

    store: StoreArg = None
    product_id: ProductId


async def products_delete(call: Call, params: ProductsDeleteInput) -> ToolOutput:
    """Delete an inventory item after approval."""
    call.identity.require("inventory-write", call.store_id)
    inventory = call.app.services.inventory
    item = await inventory.get(call.store, params.product_id)
    facts = {k: item.raw.get(k) for k in ("code", "stock", "price")}
    await call.approve(
        f"product {item.id}",
        f"Delete product {item.id} ({item.code}).",
        approvals.removal(f"product {item.id}", facts),
    )
    await inventory.delete(call.store, params.product_id, actor=call.actor)
    return ToolOutput({"deleted_product_id": item.id}, f"Deleted product {item.id}.")


class BatchEntry(ToolInput):
    """One item of a batch update: its id and the fields to set."""

    id: RecordId
    price: Money | None = None
    cost: Money | None = None
    stock: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    location: Short | None = None
    name: Short | None = None


class ProductsBatchInput(ToolInput):
    """Several inventory changes at once."""

    store: StoreArg = None
    items: list[BatchEntry] = Field(min_length=1, max_length=100)


async def products_batch_update(call: Call, params: ProductsBatchInput) -> ToolOutput:
    """Update up to 100 inventory items in one request, after one approval."""
    entries = [item.model_dump(exclude_none=True) for item in params.items]
    diff = [
        approvals.FieldChange(f"product {e['id']}.{key}", None, value)
        for e in entries
        for key, value in approvals.plain(e).items()
        if key != "id"
    ]
    await call.approve(
        f"{len(entries)} product(s)", f"Update {len(entries)} product(s) in one batch.", diff
    )
    result = await call.app.services.inventory.update_batch(call.store, entries, actor=call.actor)
    results = [{"ok": r.ok, "id": r.id, "message": r.message} for r in result.results]
    failed = sum(1 for r in results if not r["ok"])
    return ToolOutput(
        {"results": results, "failed": failed},
        f"Batch update of {len(entries)} product(s): {failed} failed.",
    )


_PRODUCT_OUT = obj({"product": RECORD}, ("product",))
_TAIL = " " + UNTRUSTED_HINT
TOOLS: list[ToolSpec[Any]] = [
    reader(
        "products_list",
        "Search products",
        "Search inventory. `search` (free text) and `code` (exact SKU) filter in Order Desk; "
        "`name`, `description`, `category` filter here (slower)." + _TAIL,
        ProductsListInput,
        obj(
            {"products": list_of(RECORD), "page": PAGE, "locally_filtered_out": INTEGER},
            ("products", "page"),
        ),
        products_list,
    ),
    reader(
        "products_get",
        "Get a product",
        "Read one inventory item by id (full detail by default)." + _TAIL,
        ProductsGetInput,
        obj({"product": RECORD, "date_updated": STRING}, ("product",)),
        products_get,
    ),
    writer(
        "products_create",
        "Create a product",
        "Create an inventory item. The code (SKU) must be unique and "
        "match order lines' codes to link stock.",
        ProductsCreateInput,
        _PRODUCT_OUT,
        products_create,
        scope="inventory-write",
        destructive=False,
        idempotent=False,
    ),
    writer(
        "products_update",
        "Update a product",
        "Change some fields of an inventory item, e.g. stock or price; the rest is kept.",
        ProductsUpdateInput,
        obj(
            {
                "product_id": STRING,
                "changed_fields": list_of(STRING),
                "written": {"type": "boolean"},
            },
            ("product_id", "changed_fields", "written"),
        ),
        products_update,
        scope="inventory-write",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "products_delete",
        "Delete a product",
        "Delete an inventory item permanently (needs both the delete and inventory-write scopes).",
        ProductsDeleteInput,
        obj({"deleted_product_id": STRING}, ("deleted_product_id",)),
        products_delete,
        scope="delete",
        destructive=True,
        idempotent=False,
    ),
    writer(
        "products_batch_update",
        "Update many products",
        "Set price, cost, stock, location or name on up to 100 inventory items in one request "
        "Each entry succeeds or fails on its own.",
        ProductsBatchInput,
        obj(
            {"results": list_of(obj({"ok": {"type": "boolean"}, "id": STRING})), "failed": INTEGER},
            ("results", "failed"),
        ),
        products_batch_update,
        scope="inventory-write",
        destructive=True,
        idempotent=False,
    ),
]
