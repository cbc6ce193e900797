"""The MCP server on the SDK's public low-level ``Server``: tools, resources and prompts.

:func:`build_server` is what every transport (local socket, stdio, HTTP) calls. The server
holds no per-connection state itself: each handler finds its session through
:func:`app.mcp.transport.session.current_session`.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from typing import Any

import mcp_types as types
from mcp.server import Server, ServerRequestContext
from mcp.server.lowlevel.server import NotificationOptions
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from app import __version__
from app.mcp import prompts, resources
from app.mcp.listen import Listens
from app.mcp.progress import SdkWaits, set_log_level
from app.mcp.shaping import ORDER_FIELDS, PRODUCT_FIELDS, UNTRUSTED_DESCRIPTION
from app.mcp.subscriptions import Subscriptions, connection_channel
from app.mcp.tools import McpContext, all_tools
from app.mcp.tools.dispatch import (
    allowed,
    listed_tools,
    refresh_caller,
    serve_call,
    session_scopes,
)
from app.mcp.tools.params import SHARED_WORDING
from app.mcp.transport.session import NoSession, current_session

__all__ = ["INSTRUCTIONS", "McpContext", "allowed", "build_server", "session_scopes"]

log = logging.getLogger(__name__)

SERVER_NAME = "orderdesk-tray"
INSTRUCTIONS = " ".join(
    (
        "OrderDesk Tray gives access to the user's Order Desk stores. Start with session_info "
        "(your scopes and active store) and stores_list / stores_use; you see only the tools "
        "your scopes allow.",
        SHARED_WORDING,
        UNTRUSTED_DESCRIPTION,
        f"Order fields: {', '.join(ORDER_FIELDS)}.",
        f"Product fields: {', '.join(PRODUCT_FIELDS)}.",
    )
)


async def announce_tools_changed(ctx: ServerRequestContext) -> None:
    """Tell the client its tool list changed (its scopes did); best effort."""
    try:
        await ctx.session.send_tool_list_changed()
    except Exception:  # a client that went away must not fail the call
        log.debug("could not send tools/list_changed", exc_info=True)


class ToolsChangeServer(Server):
    """A low-level ``Server`` that announces ``tools.listChanged`` (a session's tool list
    follows its client's scopes, and changes when the user changes them) and
    ``resources.listChanged`` (the resource list names each store)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> Any:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True, resources_changed=True),
            experimental_capabilities,
            extensions,
        )


def build_server(app: McpContext) -> Server:
    """Build the MCP server over the app's services.

    Args:
        app: Services, approval queue, client limits and event hub.

    Returns:
        A low-level ``Server``; run it per connection with ``server.run(...)``.
    """
    specs = {spec.name: spec for spec in all_tools()}
    definitions = [spec.definition() for spec in specs.values()]
    schemas = {tool.name: tool.input_schema for tool in definitions}

    by_name = {tool.name: tool for tool in definitions}

    async def list_tools(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        names = listed_tools(app, specs.values())
        return types.ListToolsResult(tools=[by_name[name] for name in names])

    async def call_tool(
        ctx: ServerRequestContext, params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        spec = specs.get(params.name)
        if spec is None:
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"Unknown tool: {params.name}. Call tools/list for the tools.",
            )

        async def tools_changed() -> None:
            await announce_tools_changed(ctx)
            with contextlib.suppress(NoSession):
                await listens.tools_changed(current_session())

        result = await serve_call(app, spec, params.arguments, SdkWaits(ctx), tools_changed)
        return types.CallToolResult.model_validate(result)

    subscriptions = Subscriptions(app.hub)
    listens = Listens(app)

    async def list_resources(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        refresh_caller(app)
        try:
            session = current_session()
        except NoSession:
            return types.ListResourcesResult(resources=resources.RESOURCES)
        listed = await resources.list_resources(app)
        if ctx.session.protocol_version not in MODERN_PROTOCOL_VERSIONS:
            watched = subscriptions.of(session, connection_channel(ctx.session))
            watched.watch_list(resources.fingerprint(listed), resources.relister(app, session))
        return types.ListResourcesResult(resources=listed)

    async def list_templates(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return types.ListResourceTemplatesResult(resource_templates=resources.TEMPLATES)

    async def read_resource(
        ctx: ServerRequestContext, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        refused = refresh_caller(app)
        if refused is not None:
            raise MCPError(
                code=types.INVALID_PARAMS, message=refused, data={"uri": str(params.uri)}
            )
        return await resources.read_resource(app, str(params.uri))

    async def subscribe(
        ctx: ServerRequestContext, params: types.SubscribeRequestParams
    ) -> types.EmptyResult:
        refused = refresh_caller(app)
        uri = str(params.uri)
        if refused is not None:
            raise MCPError(code=types.INVALID_PARAMS, message=refused, data={"uri": uri})
        key = await resources.subscription_key(app, uri)
        channel = connection_channel(ctx.session)
        subscriptions.of(current_session(), channel).add(uri, key)
        return types.EmptyResult()

    async def unsubscribe(
        ctx: ServerRequestContext, params: types.UnsubscribeRequestParams
    ) -> types.EmptyResult:
        with contextlib.suppress(NoSession):
            subscriptions.remove(current_session(), str(params.uri))
        return types.EmptyResult()

    async def set_logging_level(
        ctx: ServerRequestContext, params: types.SetLevelRequestParams
    ) -> types.EmptyResult:
        with contextlib.suppress(NoSession):
            set_log_level(params.level)
        return types.EmptyResult()

    async def listen(
        ctx: ServerRequestContext, params: types.SubscriptionsListenRequestParams
    ) -> types.SubscriptionsListenResult:
        refused = refresh_caller(app)
        if refused is not None:
            raise MCPError(code=types.INVALID_PARAMS, message=refused)
        return await listens.serve(ctx, params)

    async def list_prompts(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        return types.ListPromptsResult(prompts=prompts.PROMPTS)

    async def get_prompt(
        ctx: ServerRequestContext, params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        return prompts.get_prompt(params.name, params.arguments)

    with warnings.catch_warnings():  # logging is deprecated for the 2026 era only
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        return ToolsChangeServer(
            SERVER_NAME,
            version=__version__,
            instructions=INSTRUCTIONS,
            get_tool_input_schema=schemas.get,
            on_list_tools=list_tools,
            on_call_tool=call_tool,
            on_list_resources=list_resources,
            on_list_resource_templates=list_templates,
            on_read_resource=read_resource,
            on_subscribe_resource=subscribe,
            on_unsubscribe_resource=unsubscribe,
            on_list_prompts=list_prompts,
            on_get_prompt=get_prompt,
            on_set_logging_level=set_logging_level,
            on_subscriptions_listen=listen,
        )
