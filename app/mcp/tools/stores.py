"""Store tools: list, pick the session's store, resolve a name, settings, register, remove."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from app.core.access.approvals import FieldChange
from app.core.services.records import StoreRecord
from app.mcp.shaping import plain
from app.mcp.tools.base import ToolOutput, ToolSpec, reader, writer
from app.mcp.tools.context import Call
from app.mcp.tools.params import StoreArg
from app.mcp.tools.schema import (
    INTEGER,
    RECORD,
    STORE,
    STRING,
    ToolInput,
    list_of,
    obj,
)

StoreName = Annotated[str, Field(min_length=1, max_length=100)]


def store_json(record: StoreRecord, active_id: int | None = None) -> dict[str, Any]:
    """A registered store as tools return it (never with its API key)."""
    return {
        "id": record.id,
        "name": record.name,
        "orderdesk_store_id": record.orderdesk_store_id,
        "is_default": record.is_default,
        "is_active": record.id == active_id,
    }


class StoresListInput(ToolInput):
    """No arguments."""


async def stores_list(call: Call, params: StoresListInput) -> ToolOutput:
    """List the stores this client may use."""
    active = call.session.active_store_id
    stores = [
        store_json(record, active)
        for record in await call.app.services.stores.list()
        if call.identity.allows_store(record.id)
    ]
    names = ", ".join(f"{s['name']} (id {s['id']})" for s in stores) or "none"
    return ToolOutput({"stores": stores, "count": len(stores)}, f"{len(stores)} store(s): {names}.")


class StoresUseInput(ToolInput):
    """Pick the session's store."""

    store: Annotated[
        str, Field(min_length=1, max_length=100, description="Store name or numeric id.")
    ]


async def stores_use(call: Call, params: StoresUseInput) -> ToolOutput:
    """Make a store the session's active store."""
    record = await call.app.services.stores.resolve(params.store)
    call.identity.require("read", record.id)
    call.session.active_store_id = record.id
    data = {"active_store": store_json(record, record.id)}
    return ToolOutput(data, f"Active store for this session: {record.name} (id {record.id}).")


class StoresResolveInput(ToolInput):
    """Find a store."""

    query: Annotated[
        str,
        Field(
            min_length=1,
            max_length=100,
            description="Name (exact, any case or close) or numeric id.",
        ),
    ]


async def stores_resolve(call: Call, params: StoresResolveInput) -> ToolOutput:
    """Resolve a name, id or near miss to one registered store."""
    record = await call.app.services.stores.resolve(params.query)
    call.identity.require("read", record.id)
    data = {"store": store_json(record, call.session.active_store_id)}
    return ToolOutput(data, f"'{params.query}' is {record.name} (id {record.id}).")


class StoreInfoInput(ToolInput):
    """Settings of one store."""

    store: StoreArg = None


async def store_info(call: Call, params: StoreInfoInput) -> ToolOutput:
    """Return a store's settings and folders from Order Desk."""
    record = call.store
    info = await call.app.services.stores.info(record)
    folders = [{"id": fid, "name": name} for fid, name in sorted(info.folders.items())]
    settings = {key: value for key, value in info.raw.items() if key != "folders"}
    data = {
        "store": store_json(record, call.session.active_store_id),
        "orderdesk_name": info.name,
        "timezone": info.timezone,
        "folders": folders,
        "settings": plain(settings),
    }
    names = ", ".join(f"{f['id']}={f['name']}" for f in folders)
    return ToolOutput(data, f"{record.name}: time zone {info.timezone}; folders {names}.")


class StoresRegisterInput(ToolInput):
    """Register a store with its API key."""

    name: StoreName = Field(description="Short name, unique in the app.")
    orderdesk_store_id: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20,
            pattern=r"^[0-9]+$",
            description="Order Desk's numeric store id (Store Settings > API).",
        ),
    ]
    api_key: Annotated[
        str,
        Field(
            min_length=8,
            max_length=200,
            description="Tested, then kept in the OS keychain; never shown again.",
        ),
    ]
    api_url: Annotated[
        str | None,
        Field(
            max_length=300,
            pattern=r"^https?://",
            description="Only for a test API; omit for Order Desk's.",
        ),
    ] = None
    make_default: bool = Field(default=False, description="Also make it the default store.")


async def stores_register(call: Call, params: StoresRegisterInput) -> ToolOutput:
    """Register a store after testing its API key (the key is never returned)."""
    changes = [
        FieldChange("name", None, params.name),
        FieldChange("orderdesk_store_id", None, params.orderdesk_store_id),
        FieldChange("api_key", None, "(hidden)"),
    ]
    await call.approve(
        f"new store {params.name}",
        f"Register store {params.name} (Order Desk id {params.orderdesk_store_id}).",
        changes,
        store_name=params.name,
    )
    stores = call.app.services.stores
    record = await stores.register(
        params.name,
        params.orderdesk_store_id,
        params.api_key,
        params.api_url,
        actor=call.actor,
    )
    if params.make_default:
        record = await stores.set_default(record.id, actor=call.actor)
    data = {"store": store_json(record, call.session.active_store_id)}
    return ToolOutput(data, f"Registered store {record.name} (id {record.id}); key tested.")


class StoresDeleteInput(ToolInput):
    """Remove a store from the app."""

    store: Annotated[
        str, Field(min_length=1, max_length=100, description="Store name or numeric id.")
    ]


async def stores_delete(call: Call, params: StoresDeleteInput) -> ToolOutput:
    """Forget a store and its API key (nothing is deleted in Order Desk)."""
    stores = call.app.services.stores
    record = await stores.resolve(params.store)
    call.identity.require("manage-stores", record.id)
    await call.approve(
        f"store {record.name}",
        f"Remove store {record.name} (id {record.id}) and its API key from this app.",
        [FieldChange("store", record.name, None)],
        store_name=record.name,
    )
    await stores.delete(record.id, actor=call.actor)
    if call.session.active_store_id == record.id:
        call.session.active_store_id = None
    return ToolOutput(
        {"deleted": store_json(record)}, f"Removed store {record.name} from this app."
    )


_STORE_OUT = obj({"store": STORE}, ("store",))
TOOLS: list[ToolSpec[Any]] = [
    reader(
        "stores_list",
        "List stores",
        "The stores this client may use: id, name, and which is the default and which is "
        "active here.",
        StoresListInput,
        obj({"stores": list_of(STORE), "count": INTEGER}, ("stores", "count")),
        stores_list,
        store=False,
    ),
    reader(
        "stores_use",
        "Use a store",
        "Set this session's active store: tools use it when they get no `store`. Other "
        "clients are not affected.",
        StoresUseInput,
        obj({"active_store": STORE}, ("active_store",)),
        stores_use,
        store=False,
    ),
    reader(
        "stores_resolve",
        "Resolve a store",
        "Turn a store name, id or near miss into one registered store; an ambiguous or "
        "unknown name is an error listing the candidates.",
        StoresResolveInput,
        _STORE_OUT,
        stores_resolve,
        store=False,
    ),
    reader(
        "store_info",
        "Store settings and folders",
        "A store's Order Desk settings: its name there, time zone (results use UTC) and "
        "folders (id, name) for orders_list and orders_move.",
        StoreInfoInput,
        obj(
            {
                "store": STORE,
                "orderdesk_name": STRING,
                "timezone": STRING,
                "folders": list_of(obj({"id": INTEGER, "name": STRING})),
                "settings": RECORD,
            },
            ("store", "folders"),
        ),
        store_info,
    ),
    writer(
        "stores_register",
        "Register a store",
        "Register an Order Desk store with its id and API key (asks the user). Better: ask the "
        "user to add it in the tray's Stores window (the key stays out of the chat).",
        StoresRegisterInput,
        _STORE_OUT,
        stores_register,
        scope="manage-stores",
        destructive=False,
        idempotent=False,
        store=False,
    ),
    writer(
        "stores_delete",
        "Remove a store",
        "Remove a store and its API key from OrderDesk Tray (asks the user). Nothing is "
        "deleted in Order Desk.",
        StoresDeleteInput,
        obj({"deleted": STORE}, ("deleted",)),
        stores_delete,
        scope="manage-stores",
        destructive=True,
        idempotent=False,
        store=False,
    ),
]
