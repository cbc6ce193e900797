"""The MCP host: starts and stops the endpoints on the engine loop, for the tray and ``serve``.

No Qt here: the tray starts it through the same three calls as the headless server::

    host = McpHost(engine, services, registry, settings.get)
    host.start()                 # local endpoint (+ HTTP when the settings say so)
    ...
    host.stop()

It authenticates sessions with the :class:`~app.core.access.ClientRegistry`, ends a client's live
sessions when its token is revoked (the registry's ``client.revoked`` event, and a periodic check
for revocations made by another process such as the CLI), and keeps the live-session list.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mcp.server import Server

from app.core.access import CLIENT_REVOKED, ApprovalQueue, ClientLimits, ClientRegistry
from app.core.engine import Engine
from app.core.events import Event
from app.core.services import Services
from app.core.settings import SettingValue
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.http import HttpEndpoint
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.registry import LiveSession, SessionRegistry
from app.mcp.transport.session import SessionState
from app.mcp.transport.stdio import serve_stdio

if TYPE_CHECKING:
    from app.mcp.transport.early import EarlyStdio

log = logging.getLogger(__name__)

SettingReader = Callable[[str], SettingValue]
ServerFactory = Callable[[], Server]
LIVENESS_INTERVAL = 5.0
"""Seconds between checks that live sessions' tokens were not revoked by another process."""


class McpHost:
    """Owns the MCP endpoints of one engine.

    Args:
        engine: The running engine; everything here runs on its loop.
        services: The app's services, handed to the MCP server's tools.
        registry: Authenticates client tokens and announces revocations.
        settings: Reads a setting (``app.core.settings.get``): ``mcp.socket_enabled``,
            ``mcp.http_enabled``, ``mcp.http_port``, ``mcp.allow_tokenless_read``.
        approvals: The approval queue shared with the tray (default: the services' queue).
        limits: Per-client limits (default: from the settings).
        server_factory: Builds the MCP server (default: ``app.mcp.server.build_server``).
    """

    def __init__(
        self,
        engine: Engine,
        services: Services | None,
        registry: ClientRegistry,
        settings: SettingReader,
        *,
        approvals: ApprovalQueue | None = None,
        limits: ClientLimits | None = None,
        server_factory: ServerFactory | None = None,
    ) -> None:
        self.engine, self.services, self.registry, self.settings = (
            engine, services, registry, settings,
        )  # fmt: skip
        if approvals is None:
            approvals = services.approvals if services is not None else ApprovalQueue(engine.hub)
        self.approvals = approvals
        self.limits = limits or ClientLimits(reader=settings)
        self._factory = server_factory or self._build_server
        self.sessions = SessionRegistry(engine.hub)
        self.local: LocalEndpoint | None = None
        self.http: HttpEndpoint | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._watch: asyncio.Task[None] | None = None

    async def serve_stdio(
        self,
        identity: Any,
        client_name: str = "stdio",
        early: EarlyStdio | None = None,
        state: SessionState | None = None,
    ) -> None:
        """Serve one session for ``identity`` on stdin/stdout (``serve --stdio``); ``early``
        holds the pipes when start-up claimed them (and maybe answered ``initialize`` and
        early reads, for the session ``state``)."""
        if state is None:
            state = SessionState(identity=identity, client_name=client_name)
        self._unsubscribe = self.engine.hub.subscribe(self._on_event)
        self._watch = asyncio.get_running_loop().create_task(self._watch_liveness())
        try:
            await serve_stdio(self.build_server(), state, self.sessions, early)
        finally:
            await self.astop()

    def _build_server(self) -> Server:
        from app.mcp.server import build_server
        from app.mcp.tools.context import McpContext

        if self.services is None:
            raise RuntimeError("McpHost needs the app's services to build the MCP server")
        context = McpContext(
            self.services, self.approvals, self.limits, self.engine.hub, self.registry
        )
        return build_server(context)

    def build_server(self) -> Server:
        """A fresh MCP server wired to this host's services (used by every transport)."""
        return self._factory()

    def authenticate(self, token: str | None) -> Any:
        """The identity for ``token`` (anonymous read-only for None); raises when refused."""
        return self.registry.authenticate(token)

    def authenticate_local(self, token: str | None) -> Any:
        """Like :meth:`authenticate` for the shared local endpoint: no token, no session.

        A token-less hello is refused (None) unless ``mcp.allow_tokenless_read`` is on; then
        it gets the read-only anonymous identity.
        """
        if token is None and not self.settings("mcp.allow_tokenless_read"):
            return None
        return self.authenticate(token)

    # -- life cycle (any thread but the engine's) ---------------------------------------------

    def start(self, *, local: bool | None = None, http_port: int | None = None) -> None:
        """Start the endpoints; blocks until they listen.

        Args:
            local: Serve the local endpoint; None reads ``mcp.socket_enabled``.
            http_port: Serve Streamable HTTP on this port (0 = any free one); None reads
                ``mcp.http_enabled`` / ``mcp.http_port``.

        Raises:
            EndpointBusy: Another process serves this data folder's local endpoint.
            OSError: A socket could not be bound.
        """
        self.engine.call(self.astart(local=local, http_port=http_port))

    def stop(self) -> None:
        """End every session and close the endpoints; blocks until done."""
        if self.engine.running:
            self.engine.call(self.astop())

    def revoke_sessions(self, predicate: Callable[[SessionState], bool]) -> int:
        """End the live sessions ``predicate`` picks (any thread); returns how many."""
        return self.engine.call(self._revoke(predicate))

    def live_sessions(self) -> list[LiveSession]:
        """A snapshot of the live sessions (any thread)."""
        return self.engine.call(self._live())

    @property
    def endpoint(self) -> EndpointInfo | None:
        """Where the local endpoint listens, while it does."""
        return None if self.local is None else self.local.info

    @property
    def http_url(self) -> str | None:
        """The Streamable HTTP URL, while it serves."""
        return None if self.http is None else self.http.url

    # -- on the engine loop -------------------------------------------------------------------

    async def astart(self, *, local: bool | None = None, http_port: int | None = None) -> None:
        """Like :meth:`start`, awaited on the engine loop."""
        if local is None:
            local = bool(self.settings("mcp.socket_enabled"))
        if http_port is None and self.settings("mcp.http_enabled"):
            http_port = int(self.settings("mcp.http_port"))
        self.engine.add_closer(self.astop)
        try:
            if local:
                self.local = LocalEndpoint(
                    self.build_server(), self.authenticate_local, self.sessions
                )
                await self.local.start()
            if http_port is not None:
                self.http = HttpEndpoint(
                    self.build_server, self.authenticate, self.sessions, http_port
                )
                await self.http.start()
        except BaseException:
            await self.astop()
            raise
        self._unsubscribe = self.engine.hub.subscribe(self._on_event)
        self._watch = asyncio.get_running_loop().create_task(self._watch_liveness())

    async def astop(self) -> None:
        """Like :meth:`stop`, awaited on the engine loop (safe to call twice)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.gather(self._watch, return_exceptions=True)
            self._watch = None
        local, http, self.local, self.http = self.local, self.http, None, None
        if http is not None:
            await http.stop()
        if local is not None:
            await local.stop()

    async def _revoke(self, predicate: Callable[[SessionState], bool]) -> int:
        return self.sessions.revoke_sessions(predicate)

    async def _live(self) -> list[LiveSession]:
        return self.sessions.live()

    def _on_event(self, event: Event) -> None:
        if event.kind != CLIENT_REVOKED:
            return
        client_id = event.data.get("client_id")
        self.engine.loop.call_soon_threadsafe(
            self.sessions.revoke_sessions,
            lambda state: getattr(state.identity, "client_id", None) == client_id,
        )

    async def _watch_liveness(self) -> None:
        while True:
            await asyncio.sleep(LIVENESS_INTERVAL)
            try:
                self.sessions.revoke_sessions(
                    lambda state: not self.registry.is_live(state.identity)
                )
            except Exception:
                log.exception("checking live sessions' tokens failed")
