"""Fixtures for the MCP tool tests: a sandbox Order Desk, real services, an in-process client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
import peewee as pw
import pytest
from mcp import Client

from app.core import settings
from app.core.access import ApprovalQueue, ClientIdentity, ClientLimits, Policy, parse_scopes
from app.core.engine import Engine
from app.core.events import SYNC_PROGRESS, Event
from app.core.secrets import open_secret_store
from app.core.services import Services
from app.mcp.server import McpContext, build_server
from app.mcp.transport.session import SessionState, session_scope
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec
from tests.core.secrets.memory_keyring import MemoryKeyring

OUTLET_ID = "100002"
OUTLET_KEY = "outlet-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
MODES = ["legacy", "auto"]


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """Two generated stores on a loopback port, without the rate limit."""
    specs = [
        SandboxStoreSpec(orders=40, inventory=30),
        SandboxStoreSpec(
            store_id=OUTLET_ID, api_key=OUTLET_KEY, name="Outlet", orders=8, inventory=24, seed=2
        ),
    ]
    with SandboxServer(specs, rate_limit=False) as server:
        yield server


@pytest.fixture
async def app_ctx(
    db: pw.SqliteDatabase, test_keyring: MemoryKeyring, sandbox: SandboxServer
) -> AsyncIterator[McpContext]:
    """Real services over the sandbox with the demo store registered (the default)."""
    settings.upsert_defaults()
    engine = Engine()
    services = Services.create(engine, secrets=open_secret_store())
    await services.stores.register(
        "Demo", DEMO_STORE_ID, DEMO_API_KEY, sandbox.base_url, actor="test", is_demo=True
    )
    ctx = McpContext(services, ApprovalQueue(engine.hub, timeout=5), ClientLimits(), engine.hub)
    try:
        yield ctx
    finally:
        await services.local_orders.aclose()
        await services.index.aclose()
        await services.pool.aclose()


@pytest.fixture
async def indexed_ctx(app_ctx: McpContext) -> McpContext:
    """``app_ctx`` after the demo store's scheduled syncs started and the first one finished."""
    services = app_ctx.services
    ready = asyncio.Event()

    def on_event(event: Event) -> None:
        if event.kind == SYNC_PROGRESS and event.data.get("state") == "ready":
            loop.call_soon_threadsafe(ready.set)

    loop = asyncio.get_running_loop()
    unsubscribe = app_ctx.hub.subscribe(on_event)
    try:
        started = await services.start_index_syncs(every=3600)
        assert [store.name for store in started] == ["Demo"]
        await asyncio.wait_for(ready.wait(), 30)
    finally:
        unsubscribe()
    return app_ctx


def make_identity(
    scopes: str = "all", policy: Policy = Policy.ALLOW, stores: frozenset[int] | None = None
) -> ClientIdentity:
    """A client identity as the access layer would build it from a token."""
    return ClientIdentity(
        name="test-client",
        scopes=frozenset(parse_scopes(scopes)),
        store_ids=stores,
        policy=policy,
        client_id=7,
    )


@dataclass
class Session:
    """An MCP client session plus every tool result it received (for leak checks)."""

    client: Client
    state: SessionState
    transcript: list[str] = field(default_factory=list)

    async def call(
        self, name: str, arguments: dict[str, Any] | None = None
    ) -> types.CallToolResult:
        result = await self.client.call_tool(name, arguments or {})
        self.transcript.append(result.model_dump_json())
        return result

    async def ok(self, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        result = await self.call(name, arguments)
        assert not result.is_error, text_of(result)
        assert result.structured_content is not None
        assert json.loads(result.content[1].text) == result.structured_content  # type: ignore[union-attr]
        return result.structured_content

    async def error(self, name: str, arguments: dict[str, Any] | None = None) -> str:
        result = await self.call(name, arguments)
        assert result.is_error, result
        return text_of(result)


def text_of(result: types.CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, types.TextContent))


@asynccontextmanager
async def connect(
    app: McpContext, identity: ClientIdentity | None = None, mode: str = "auto"
) -> AsyncIterator[Session]:
    """Open an in-process client on a fresh server, as one session of ``identity``."""
    state = SessionState(identity=identity or make_identity())
    with session_scope(state):
        async with Client(build_server(app), mode=mode, cache=None) as client:  # type: ignore[arg-type]
            yield Session(client, state)
