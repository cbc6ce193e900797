"""A tiny low-level MCP server for transport tests: ``echo`` and ``session_info`` tools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.server import Server, ServerRequestContext

from app.mcp.transport.session import current_session


@dataclass(frozen=True)
class FakeIdentity:
    """What the fake authenticator hands out."""

    name: str
    scopes: frozenset[str]


ANONYMOUS = FakeIdentity("anonymous", frozenset({"read"}))
TOKENS = {
    "odt_alice": FakeIdentity("alice", frozenset({"read", "write-notes"})),
    "odt_bob": FakeIdentity("bob", frozenset({"read"})),
}


def authenticate(token: str | None) -> FakeIdentity | None:
    """Known tokens map to their identity, no token to anonymous, others are refused."""
    if token is None:
        return ANONYMOUS
    return TOKENS.get(token)


OBJ = {"type": "object"}
TOOLS = [
    types.Tool(
        name="echo",
        description="Echo the text back",
        input_schema={"type": "object", "properties": {"text": {"type": "string"}}},
    ),
    types.Tool(name="session_info", description="Who is calling", input_schema=OBJ),
]


def _session_info() -> dict[str, Any]:
    state = current_session()
    return {
        "identity": state.identity.name,
        "client": state.client_name,
        "session_id": state.session_id,
    }


async def _list_tools(
    ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
) -> types.ListToolsResult:
    return types.ListToolsResult(tools=TOOLS)


async def _call_tool(
    ctx: ServerRequestContext, params: types.CallToolRequestParams
) -> types.CallToolResult:
    args = params.arguments or {}
    if params.name == "echo":
        out: dict[str, Any] = {"text": str(args.get("text", ""))}
    elif params.name == "session_info":
        out = _session_info()
    else:
        return types.CallToolResult(
            content=[types.TextContent(text=f"Unknown tool {params.name}")], is_error=True
        )
    return types.CallToolResult(
        content=[types.TextContent(text=json.dumps(out))], structured_content=out
    )


def build_fake_server() -> Server:
    """A fresh server with the two tools."""
    return Server("fake-orderdesk", version="0", on_list_tools=_list_tools, on_call_tool=_call_tool)
