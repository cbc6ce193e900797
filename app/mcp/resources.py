"""MCP resources: the stores, a store's folders, and one order by URI.

Reads follow the same access rules as the tools: the ``read`` scope and the store allow-list.
``resources/list`` names the store list and each readable store's folders, so it changes with
the stores (``notifications/resources/list_changed``). Orders and the store list can be
subscribed to (see :mod:`app.mcp.subscriptions`).
"""

from __future__ import annotations

import json
import re
import weakref
from collections.abc import Iterable
from typing import Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

from app.core.access.errors import AccessError
from app.core.access.identity import ClientIdentity
from app.core.orderdesk import NotFoundError
from app.core.services.errors import ServiceError
from app.core.services.records import StoreRecord
from app.mcp.shaping import shape_order
from app.mcp.subscriptions import STORES, Key, Relist
from app.mcp.tools.context import McpContext
from app.mcp.tools.errors import known_error_message
from app.mcp.tools.freshness import freshness
from app.mcp.transport.session import SessionState, current_session

RESOURCE_NOT_FOUND = -32002
STORES_URI = "orderdesk://stores"
FOLDERS = re.compile(r"^orderdesk://stores/(?P<store>[^/]+)/folders$")
ORDER = re.compile(r"^orderdesk://stores/(?P<store>[^/]+)/orders/(?P<order>[0-9]+)$")
JSON = "application/json"

RESOURCES = [
    types.Resource(
        uri=STORES_URI,
        name="stores",
        title="Registered stores",
        description="The Order Desk stores this client may use (id, name, default).",
        mime_type=JSON,
    )
]
TEMPLATES = [
    types.ResourceTemplate(
        uri_template="orderdesk://stores/{store}/folders",
        name="store_folders",
        title="A store's folders",
        description="Folder ids and names of a store; {store} is our store id or its name.",
        mime_type=JSON,
    ),
    types.ResourceTemplate(
        uri_template="orderdesk://stores/{store}/orders/{order_id}",
        name="order",
        title="An order",
        description="One order at standard detail; shopper-written text is in `untrusted`; "
        "as_of / age_seconds / source say how old the copy is (the local mirror or Order Desk).",
        mime_type=JSON,
    ),
]


def store_resources(stores: list[StoreRecord], identity: ClientIdentity) -> list[types.Resource]:
    """What ``resources/list`` shows ``identity``: the store list, then each store's folders.

    Args:
        stores: Every registered store.
        identity: The session's client; it sees only stores it may read.
    """
    if not identity.has_scope("read"):
        return list(RESOURCES)
    return RESOURCES + [
        types.Resource(
            uri=f"orderdesk://stores/{store.id}/folders",
            name=f"store_{store.id}_folders",
            title=f"{store.name}: folders",
            description=f"Folder ids and names of the store {store.name} (store id {store.id}).",
            mime_type=JSON,
        )
        for store in stores
        if identity.allows_store(store.id)
    ]


async def list_resources(app: McpContext) -> list[types.Resource]:
    """``resources/list`` for the calling session (see :func:`store_resources`)."""
    return store_resources(await app.services.stores.list(), current_session().identity)


def fingerprint(listed: Iterable[types.Resource]) -> list[str]:
    """What a client would notice of a resource list (URIs, names, titles, descriptions)."""
    return [resource.model_dump_json(exclude_none=True) for resource in listed]


def relister(app: McpContext, session: SessionState) -> Relist:
    """Re-lists the resources ``session`` would see now (without keeping the session alive)."""
    held = weakref.ref(session)

    async def relist() -> list[str]:
        state = held()
        if state is None:
            return []
        return fingerprint(store_resources(await app.services.stores.list(), state.identity))

    return relist


def _contents(uri: str, data: Any) -> types.ReadResourceResult:
    text = json.dumps(data, ensure_ascii=False)
    return types.ReadResourceResult(
        contents=[types.TextResourceContents(uri=uri, mime_type=JSON, text=text)]
    )


async def _store(app: McpContext, wanted: str) -> StoreRecord:
    record = await app.services.stores.resolve(wanted)
    current_session().identity.require("read", record.id)
    return record


async def _read(app: McpContext, uri: str) -> Any:
    identity = current_session().identity
    identity.require("read")
    if uri == STORES_URI:
        stores = await app.services.stores.list()
        return [
            {"id": s.id, "name": s.name, "is_default": s.is_default}
            for s in stores
            if identity.allows_store(s.id)
        ]
    if match := FOLDERS.match(uri):
        info = await app.services.stores.info(await _store(app, match["store"]))
        return [{"id": fid, "name": name} for fid, name in sorted(info.folders.items())]
    if match := ORDER.match(uri):
        store = await _store(app, match["store"])
        folders = (await app.services.stores.info(store)).folders
        order = await app.services.orders.get(store, match["order"])
        age = freshness(order.as_of, "mirror" if order.from_mirror else "live")
        return {**shape_order(order.raw, "standard", folders=folders), **age}
    raise MCPError(code=RESOURCE_NOT_FOUND, message="Resource not found", data={"uri": uri})


async def read_resource(app: McpContext, uri: str) -> types.ReadResourceResult:
    """Read one resource; expected errors are JSON-RPC errors with their sentence.

    Raises:
        MCPError: Unknown URI, missing record, access refused, or environment trouble (a
            locked keychain, a busy database, Order Desk unreachable): the message is the text
            every face shows for that error. Anything else (a bug) propagates.
    """
    try:
        return _contents(uri, await _read(app, uri))
    except Exception as error:
        message = known_error_message(error)
        if message is None:
            raise
        raise MCPError(code=_error_code(error), message=message, data={"uri": uri}) from None


def _error_code(error: Exception) -> int:
    """The JSON-RPC code for an expected error: not found, refused input, or trouble."""
    if isinstance(error, NotFoundError):
        return RESOURCE_NOT_FOUND
    if isinstance(error, AccessError | ServiceError):
        return types.INVALID_PARAMS
    return types.INTERNAL_ERROR


async def subscription_key(app: McpContext, uri: str) -> Key:
    """What subscribing to ``uri`` watches, after the same access checks as a read.

    Raises:
        MCPError: The URI is not an order or the store list, or the client may not read it.
    """
    try:
        current_session().identity.require("read")
        if uri == STORES_URI:
            return STORES
        if match := ORDER.match(uri):
            store = await _store(app, match["store"])
            return (store.key, match["order"])
    except Exception as error:
        message = known_error_message(error)
        if message is None:
            raise
        raise MCPError(code=_error_code(error), message=message, data={"uri": uri}) from None
    raise MCPError(
        code=types.INVALID_PARAMS,
        message="Only an order (orderdesk://stores/{store}/orders/{order_id}) or "
        "orderdesk://stores can be subscribed to.",
        data={"uri": uri},
    )
