"""``subscriptions/listen``: change notifications for 2026-era sessions.

From protocol 2026-07-28 on there is no standing channel for server-initiated messages and no
``resources/subscribe``: a client sends ``subscriptions/listen`` with a filter, and the
response stream carries ``tools/list_changed``, ``resources/list_changed`` and
``resources/updated`` until the client ends it. This serves that stream with the same
machinery as the handshake era (:class:`app.mcp.subscriptions.SessionSubscriptions`): order
URIs and the store list after the same access checks as ``resources/subscribe``, the resource
list re-listed after store events, and the tool list when the client's scopes change.
"""

from __future__ import annotations

import weakref
from typing import Any

import mcp_types as types
from mcp.server import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.shared.subscriptions import (
    SUBSCRIPTION_ID_META_KEY,
    event_from_wire,
    event_to_notification,
)

from app.mcp import resources
from app.mcp.subscriptions import SessionSubscriptions
from app.mcp.tools.context import McpContext
from app.mcp.transport.session import SessionState, current_session


class StreamChannel:
    """Sends our notifications as frames of one listen stream (stamped with its id)."""

    def __init__(self, session: Any, subscription_id: types.RequestId) -> None:
        self.session = session
        self.subscription_id = subscription_id
        self.meta: dict[str, Any] = {SUBSCRIPTION_ID_META_KEY: subscription_id}

    async def notify(self, method: str, params: dict[str, Any] | None) -> None:
        """Send ``method`` (a change notification) on the stream."""
        event = event_from_wire(method, params)
        if event is None:
            return
        await self.session.send_notification(
            event_to_notification(event, self.meta), related_request_id=self.subscription_id
        )


def honored(wanted: types.SubscriptionFilter, uris: list[str]) -> types.SubscriptionFilter:
    """The filter this server delivers: every kind asked for (prompts never change, so that
    one never fires) and the resource URIs that passed the access checks."""
    return types.SubscriptionFilter(
        tools_list_changed=True if wanted.tools_list_changed else None,
        prompts_list_changed=True if wanted.prompts_list_changed else None,
        resources_list_changed=True if wanted.resources_list_changed else None,
        resource_subscriptions=uris or None,
    )


class Listens:
    """The ``subscriptions/listen`` handler of one server, and who listens for tool changes.

    Args:
        app: Services, hub and registry.
    """

    def __init__(self, app: McpContext) -> None:
        self.app = app
        self._tools: weakref.WeakKeyDictionary[SessionState, set[SessionSubscriptions]] = (
            weakref.WeakKeyDictionary()
        )

    async def serve(
        self, ctx: ServerRequestContext[Any, Any], params: types.SubscriptionsListenRequestParams
    ) -> types.SubscriptionsListenResult:
        """Serve one listen stream until the client ends it or goes away.

        Raises:
            MCPError: No request id, or a URI the client may not subscribe to (checked before
                the acknowledgement, like ``resources/subscribe``).
        """
        if ctx.request_id is None:
            raise MCPError(types.INVALID_REQUEST, "subscriptions/listen requires a request id")
        wanted = params.notifications
        keys = {
            uri: await resources.subscription_key(self.app, uri)
            for uri in wanted.resource_subscriptions or ()
        }
        session = current_session()
        channel = StreamChannel(ctx.session, ctx.request_id)
        watcher = SessionSubscriptions(self.app.hub, channel, session.session_id)
        for uri, key in keys.items():
            watcher.add(uri, key)
        if wanted.resources_list_changed:
            listed = await resources.list_resources(self.app)
            watcher.watch_list(resources.fingerprint(listed), resources.relister(self.app, session))
        if wanted.tools_list_changed:
            self._tools.setdefault(session, set()).add(watcher)
        try:
            acknowledged = types.SubscriptionsAcknowledgedNotificationParams(
                notifications=honored(wanted, list(keys)), _meta=channel.meta
            )
            await ctx.session.send_notification(
                types.SubscriptionsAcknowledgedNotification(params=acknowledged),
                related_request_id=ctx.request_id,
            )
            await watcher.ended()
        finally:
            watcher.close()
            self._tools.get(session, set()).discard(watcher)
        return types.SubscriptionsListenResult(_meta=channel.meta)

    async def tools_changed(self, session: SessionState) -> None:
        """Tell ``session``'s listen streams that asked for it that its tool list changed."""
        for watcher in list(self._tools.get(session, ())):
            await watcher.tools_changed()
