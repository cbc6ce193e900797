"""The ``session_info`` tool: who this client is and what it may do."""

from __future__ import annotations

from typing import Any

from app.core.access.identity import ALL_SCOPES
from app.core.services.errors import StoreNotFoundError
from app.mcp.tools.base import ToolOutput, ToolSpec, reader
from app.mcp.tools.context import Call
from app.mcp.tools.schema import BOOLEAN, NULLABLE_INT, STRING, ToolInput, list_of, obj


class SessionInfoInput(ToolInput):
    """No arguments."""


OUTPUT = obj(
    {
        "client": STRING,
        "anonymous": BOOLEAN,
        "scopes": list_of(STRING),
        "missing_scopes": list_of(STRING),
        "write_policy": STRING,
        "allowed_store_ids": {"type": ["array", "null"], "items": {"type": "integer"}},
        "active_store": {"type": ["object", "null"]},
        "default_store_id": NULLABLE_INT,
        "hint": STRING,
    },
    ("client", "scopes", "write_policy", "active_store"),
)


async def _store_ref(call: Call, store_id: int | None) -> dict[str, Any] | None:
    if store_id is None:
        return None
    try:
        record = await call.app.services.stores.resolve(store_id)
    except StoreNotFoundError:
        return None
    return {"id": record.id, "name": record.name}


async def _default_id(call: Call) -> int | None:
    try:
        return (await call.app.services.stores.default()).id
    except StoreNotFoundError:
        return None


async def session_info(call: Call, params: SessionInfoInput) -> ToolOutput:
    """Describe the calling client and its session."""
    identity = call.identity
    active = await _store_ref(call, call.session.active_store_id)
    scopes = [scope for scope in ALL_SCOPES if identity.has_scope(scope)]
    data = {
        "client": identity.name,
        "anonymous": identity.is_anonymous,
        "scopes": scopes,
        "missing_scopes": [scope for scope in ALL_SCOPES if not identity.has_scope(scope)],
        "write_policy": identity.policy.value,
        "allowed_store_ids": None if identity.store_ids is None else sorted(identity.store_ids),
        "active_store": active,
        "default_store_id": await _default_id(call),
        "hint": "Tools act on the active store; change it with stores_use, or pass `store`.",
    }
    where = active["name"] if active else "no store selected"
    summary = f"Client '{identity.name}' ({', '.join(scopes)}); {where}."
    return ToolOutput(data, summary)


TOOLS: list[ToolSpec[Any]] = [
    reader(
        "session_info",
        "Session info",
        "Your client name, scopes, write policy (allow, ask: the user approves each write, "
        "deny), allowed stores and the active store. Call it when a tool is refused.",
        SessionInfoInput,
        OUTPUT,
        session_info,
        store=False,
    )
]
