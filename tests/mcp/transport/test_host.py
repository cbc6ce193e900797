"""McpHost without Qt: endpoints on an engine thread, revocation by event, TCP transport."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import peewee as pw
import pytest
from mcp import Client, MCPError

from app.core import settings
from app.core.access import ClientRegistry
from app.core.engine import Engine
from app.mcp.host import McpHost
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.local_client import HelloRefused, local_client_transport
from app.mcp.transport.registry import SessionRegistry
from tests.mcp.transport.fake_server import authenticate, build_fake_server


@pytest.fixture
def host(db: pw.SqliteDatabase) -> Iterator[McpHost]:
    settings.upsert_defaults()
    engine = Engine("test-engine")
    engine.start()
    host = McpHost(
        engine, None, ClientRegistry(engine.hub), settings.get, server_factory=build_fake_server
    )
    try:
        yield host
    finally:
        host.stop()
        engine.stop()


def _session_identity(host: McpHost) -> list[str]:
    return [live.state.identity.name for live in host.live_sessions()]


async def test_start_serve_revoke_stop(host: McpHost) -> None:
    _, token = host.registry.add("Claude", "read")
    await asyncio.to_thread(host.start, local=True, http_port=None)
    info = host.endpoint
    assert info is not None
    async with Client(local_client_transport(info, token, "claude"), cache=None) as client:
        info_result = await client.call_tool("session_info", {})
        assert info_result.structured_content is not None
        assert info_result.structured_content["identity"] == "Claude"
        assert await asyncio.to_thread(_session_identity, host) == ["Claude"]
        assert await asyncio.to_thread(host.registry.revoke, "Claude")
        with pytest.raises(MCPError):
            for _ in range(100):  # the revocation reaches the engine loop asynchronously
                await client.call_tool("echo", {"text": "x"})
    with pytest.raises(HelloRefused, match="revoked"):
        async with local_client_transport(info, token, "claude"):
            pass
    await asyncio.to_thread(host.stop)
    assert host.endpoint is None


async def test_settings_choose_the_endpoints(host: McpHost, unused_tcp_port: int) -> None:
    settings.set_value("mcp.http_enabled", True)
    settings.set_value("mcp.http_port", unused_tcp_port)
    settings.set_value("mcp.socket_enabled", False)
    await asyncio.to_thread(host.start)
    assert host.endpoint is None
    assert host.http_url == f"http://127.0.0.1:{unused_tcp_port}/mcp"


async def test_tcp_transport_on_loopback() -> None:
    registry = SessionRegistry()
    endpoint = LocalEndpoint(build_fake_server(), authenticate, registry, transport="tcp")
    info = await endpoint.start()
    try:
        assert (info.transport, info.host) == ("tcp", "127.0.0.1")
        async with Client(local_client_transport(info, "odt_bob", "win"), cache=None) as c:
            result = await c.call_tool("echo", {"text": "over tcp"})
            assert result.structured_content == {"text": "over tcp"}
    finally:
        await endpoint.stop()


async def test_a_tokenless_hello_is_refused_unless_read_only_is_allowed(host: McpHost) -> None:
    await asyncio.to_thread(host.start, local=True, http_port=None)
    info = host.endpoint
    assert info is not None
    with pytest.raises(HelloRefused, match="presented no token") as refused:
        async with local_client_transport(info, None, "nameless"):
            pass
    assert "mcp.allow_tokenless_read" in str(refused.value)
    assert await asyncio.to_thread(_session_identity, host) == []
    settings.set_value("mcp.allow_tokenless_read", True)
    async with Client(local_client_transport(info, None, "nameless"), cache=None) as client:
        result = await client.call_tool("session_info", {})
        assert result.structured_content is not None
        assert result.structured_content["identity"] == "anonymous"
