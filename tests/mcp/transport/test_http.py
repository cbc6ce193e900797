"""Streamable HTTP on 127.0.0.1: bearer tokens, Host and Origin checks, both eras, revocation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx2
import pytest
from mcp import Client, ClientSession, MCPError
from mcp.client.streamable_http import streamable_http_client

from app.core.events import EventHub
from app.mcp.transport.http import HttpEndpoint
from app.mcp.transport.registry import SessionRegistry
from tests.mcp.transport.fake_server import authenticate, build_fake_server
from tests.processes import initialize_request

INIT = initialize_request("curl", "0")
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
async def http_endpoint() -> AsyncIterator[HttpEndpoint]:
    endpoint = HttpEndpoint(build_fake_server, authenticate, SessionRegistry(EventHub()), 0)
    await endpoint.start()
    try:
        yield endpoint
    finally:
        await endpoint.stop()


def _client(token: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_good_token_lists_and_calls(http_endpoint: HttpEndpoint, mode: str) -> None:
    async with (
        _client("odt_alice") as http,
        Client(streamable_http_client(http_endpoint.url, http_client=http), mode=mode) as c,  # type: ignore[arg-type]
    ):
        tools = await c.list_tools()
        assert {tool.name for tool in tools.tools} == {"echo", "session_info"}
        info = await c.call_tool("session_info", {})
        assert info.structured_content is not None
        assert info.structured_content["identity"] == "alice"


async def test_state_is_per_session(http_endpoint: HttpEndpoint) -> None:
    async with _client("odt_alice") as http:
        transport = streamable_http_client(http_endpoint.url, http_client=http)
        async with Client(transport, mode="legacy") as c:
            first = (await c.call_tool("session_info", {})).structured_content
            second = (await c.call_tool("session_info", {})).structured_content
            assert len(http_endpoint.gate.registry) == 1
    assert first is not None and second is not None
    assert first["session_id"] == second["session_id"]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer odt_wrong"}, 401),
        ({"Authorization": "Basic b2R0X2FsaWNl"}, 401),
        ({"Authorization": "Bearer odt_alice", "Origin": "http://evil.example"}, 403),
        ({"Authorization": "Bearer odt_alice", "Host": "evil.example"}, 421),
    ],
)
async def test_rejections(
    http_endpoint: HttpEndpoint, headers: dict[str, str], status: int
) -> None:
    async with httpx2.AsyncClient() as http:
        response = await http.post(http_endpoint.url, json=INIT, headers={**ACCEPT, **headers})
    assert response.status_code == status
    assert "error" in response.json()


async def test_allowed_origin_passes(http_endpoint: HttpEndpoint) -> None:
    origin = f"http://localhost:{http_endpoint.port}"
    headers = {**ACCEPT, "Authorization": "Bearer odt_bob", "Origin": origin}
    async with httpx2.AsyncClient() as http:
        response = await http.post(http_endpoint.url, json=INIT, headers=headers)
    assert response.status_code == 200


async def test_only_loopback(http_endpoint: HttpEndpoint) -> None:
    assert http_endpoint.url.startswith("http://127.0.0.1:")


async def test_revoked_session_is_ended(http_endpoint: HttpEndpoint) -> None:
    async with _client("odt_bob") as http:
        transport = streamable_http_client(http_endpoint.url, http_client=http)
        async with transport as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await session.call_tool("echo", {"text": "x"})
            registry = http_endpoint.gate.registry
            assert registry.revoke_sessions(lambda s: s.identity.name == "bob") == 1
            with pytest.raises(MCPError):
                await session.call_tool("echo", {"text": "after"})
            assert len(registry) == 0


def _json_reply(response: httpx2.Response) -> dict[str, object]:
    """A JSON-RPC reply, whether sent as JSON or as one server-sent event."""
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        data = next(line for line in response.text.splitlines() if line.startswith("data:"))
        return json.loads(data.removeprefix("data:"))  # type: ignore[no-any-return]
    return response.json()  # type: ignore[no-any-return]


async def test_2024_sessions_are_sessions(http_endpoint: HttpEndpoint) -> None:
    """A client that says MCP-Protocol-Version 2024-11-05 on every request (also before it
    has a session id) keeps one state per session, like every handshake-era client; only the
    session-less 2026 era shares one state per client."""
    old = {**ACCEPT, "Authorization": "Bearer odt_alice", "MCP-Protocol-Version": "2024-11-05"}
    init = {**INIT, "params": {**INIT["params"], "protocolVersion": "2024-11-05"}}  # type: ignore[dict-item]
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call"}
    call["params"] = {"name": "session_info", "arguments": {}}
    seen: list[object] = []
    async with httpx2.AsyncClient() as http:
        for _ in range(2):
            opened = await http.post(http_endpoint.url, json=init, headers=old)
            assert _json_reply(opened)["result"]["protocolVersion"] == "2024-11-05"  # type: ignore[index]
            headers = {**old, "Mcp-Session-Id": opened.headers["mcp-session-id"]}
            done = {"jsonrpc": "2.0", "method": "notifications/initialized"}
            await http.post(http_endpoint.url, json=done, headers=headers)
            info = _json_reply(await http.post(http_endpoint.url, json=call, headers=headers))
            seen.append(info["result"]["structuredContent"]["session_id"])  # type: ignore[index]
    assert seen[0] != seen[1]
