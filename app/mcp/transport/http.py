"""Streamable HTTP (opt-in): 127.0.0.1 only, a bearer token per client, Host and Origin checked.

The SDK's Starlette app (DNS-rebinding protection on) sits behind :class:`BearerGate`, a pure
ASGI middleware that checks Host and Origin itself, authenticates every request's bearer token
(401 without one or with a refused one), binds each ``Mcp-Session-Id`` to its client, and sets
the session's :class:`SessionState` in the ContextVar. uvicorn runs on the engine loop so tool
handlers share the engine's clients and limiters (see :class:`HttpEndpoint`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Callable
from typing import Any

import uvicorn
from mcp.server import Server
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS
from sse_starlette.sse import AppStatus
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.mcp.transport.connection import Authenticator, check_token
from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import Identity, SessionState, session_scope

log = logging.getLogger(__name__)

MCP_PATH = "/mcp"
HOST = "127.0.0.1"


def allowed_hosts(port: int) -> list[str]:
    """Host header values accepted on ``port``."""
    return [f"127.0.0.1:{port}", f"localhost:{port}"]


def allowed_origins(port: int) -> list[str]:
    """Origin header values accepted on ``port`` (a missing Origin is accepted too)."""
    return [f"http://{host}" for host in allowed_hosts(port)]


def _client_key(identity: Identity) -> str:
    client_id = getattr(identity, "client_id", None)
    return f"id:{client_id}" if client_id is not None else f"name:{getattr(identity, 'name', '')}"


def _user(key: str) -> AuthenticatedUser:
    """The SDK binds each Mcp-Session-Id to this user's client_id (our client key)."""
    return AuthenticatedUser(AccessToken(token="bound", client_id=key, scopes=[]))  # noqa: S106


async def _reply(send: Send, status: int, error: str, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [(b"content-type", b"application/json"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps({"error": error}).encode()})


class BearerGate:
    """ASGI middleware: Host/Origin check, bearer authentication, per-session state.

    Args:
        app: The SDK's Starlette app.
        authenticate: Maps a bearer token to an identity (None or an exception refuses it).
        registry: Live-session list; HTTP sessions appear there while they last.
        port: The port we listen on (for the Host/Origin allow-lists).
    """

    def __init__(
        self, app: ASGIApp, authenticate: Authenticator, registry: SessionRegistry, port: int
    ) -> None:
        self.app, self.authenticate, self.registry = app, authenticate, registry
        self.hosts, self.origins = set(allowed_hosts(port)), set(allowed_origins(port))
        self._sessions: dict[str, SessionState] = {}
        self._stateless: dict[str, SessionState] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan passes through
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host") not in self.hosts:
            await _reply(send, 421, "Invalid Host header", [])
            return
        if "origin" in headers and headers["origin"] not in self.origins:
            await _reply(send, 403, "Origin not allowed", [])
            return
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        identity = check_token(self.authenticate, token) if token else None
        if identity is None:
            await _reply(
                send, 401, "A valid client token is required", [(b"www-authenticate", b"Bearer")]
            )
            return
        key = _client_key(identity)
        scope["user"] = _user(key)
        state = self._state_for(headers, identity, key)
        with session_scope(state):
            await self.app(scope, receive, self._tracking(send, state, scope["method"]))

    def _state_for(self, headers: dict[str, str], identity: Identity, key: str) -> SessionState:
        sid = headers.get("mcp-session-id")
        if sid is not None and sid in self._sessions:
            return self._sessions[sid]
        version = headers.get("mcp-protocol-version", "")
        if sid is None and version and version not in HANDSHAKE_PROTOCOL_VERSIONS:
            # 2026-era HTTP keeps no session: one state per client carries its active store.
            # (2024-11-05 is a handshake era too: its sessions keep their own state.)
            state = self._stateless.get(key)
            if state is None or _client_key(state.identity) != key:
                state = self._stateless[key] = SessionState(identity=identity, client_name="http")
            state.identity = identity
            return state
        return SessionState(identity=identity, client_name="http")

    def _tracking(self, send: Send, state: SessionState, method: str) -> Send:
        async def send_and_track(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                sid = headers.get(b"mcp-session-id")
                if sid and sid.decode() not in self._sessions and method != "DELETE":
                    self._remember(sid.decode(), state)
                elif method == "DELETE" and message.get("status") == 200:
                    self._forget_state(state)
            await send(message)

        return send_and_track

    def _remember(self, sid: str, state: SessionState) -> None:
        self._sessions[sid] = state
        self.registry.add(state, "http", end=lambda: self._end_later(sid, state))

    def _forget_state(self, state: SessionState) -> None:
        for sid, known in list(self._sessions.items()):
            if known is state:
                del self._sessions[sid]
        self.registry.remove(state)

    def _end_later(self, sid: str, state: SessionState) -> None:
        task = asyncio.get_running_loop().create_task(self.end_session(sid, state))
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    async def end_session(self, sid: str, state: SessionState) -> None:
        """End a stateful session the way the spec does: an HTTP DELETE, sent internally."""
        self._forget_state(state)
        self._stateless = {k: v for k, v in self._stateless.items() if v is not state}
        user = _user(_client_key(state.identity))
        host = next(iter(sorted(self.hosts)))
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "DELETE", "scheme": "http", "path": MCP_PATH, "raw_path": MCP_PATH.encode(),
            "query_string": b"", "root_path": "", "client": (HOST, 0), "server": (HOST, 0),
            "headers": [(b"host", host.encode()), (b"mcp-session-id", sid.encode())],
            "user": user,
        }  # fmt: skip

        async def receive() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def ignore(message: Message) -> None:
            return None

        await self.app(scope, receive, ignore)


def build_http_app(
    server: Server, authenticate: Authenticator, registry: SessionRegistry, port: int
) -> BearerGate:
    """The full ASGI app for ``port``: the SDK's app with DNS-rebinding protection, gated."""
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=allowed_hosts(port),
        allowed_origins=allowed_origins(port),
    )
    inner = server.streamable_http_app(
        streamable_http_path=MCP_PATH, transport_security=security, host=HOST
    )
    return BearerGate(inner, authenticate, registry, port)


class HttpEndpoint:
    """uvicorn serving :func:`build_http_app` on 127.0.0.1, on the current (engine) loop.

    Args:
        server_factory: Builds the MCP server (a fresh one: the SDK binds a session manager).
        authenticate: Bearer token to identity.
        registry: Live-session list.
        port: TCP port on 127.0.0.1; 0 picks a free one (see :attr:`port`).
    """

    def __init__(
        self,
        server_factory: Callable[[], Server],
        authenticate: Authenticator,
        registry: SessionRegistry,
        port: int,
    ) -> None:
        self._factory, self._authenticate, self._registry = server_factory, authenticate, registry
        self._requested_port = port
        self.port = 0
        self._uvicorn: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """The MCP URL clients use."""
        return f"http://{HOST}:{self.port}{MCP_PATH}"

    async def start(self) -> str:
        """Bind 127.0.0.1 and serve; returns the URL once uvicorn is ready.

        Raises:
            OSError: The port is taken.
        """
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, self._requested_port))
        except OSError:
            sock.close()
            raise
        self.port = int(sock.getsockname()[1])
        self.gate = build_http_app(self._factory(), self._authenticate, self._registry, self.port)
        config = uvicorn.Config(
            self.gate, log_level="warning", lifespan="on", timeout_graceful_shutdown=2
        )
        self._uvicorn = server = uvicorn.Server(config)
        self._task = asyncio.get_running_loop().create_task(server.serve(sockets=[sock]))
        while not server.started and not self._task.done():  # noqa: ASYNC110 - no start event
            await asyncio.sleep(0.01)
        if self._task.done():
            self._task.result()
            raise OSError(f"the MCP HTTP endpoint did not start on port {self.port}")
        log.info("MCP HTTP endpoint listening on %s", self.url)
        return self.url

    async def stop(self) -> None:
        """Stop uvicorn (open SSE streams are told to finish) and wait for it."""
        server, task = self._uvicorn, self._task
        if server is None or task is None:
            return
        AppStatus.should_exit = True  # sse_starlette cannot see uvicorn's exit off the main thread
        server.should_exit = True
        try:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(task), 10)
        finally:
            AppStatus.should_exit = False
            self._uvicorn = self._task = None
        log.info("MCP HTTP endpoint stopped")
