"""Fixtures for transport tests: a local endpoint serving the fake server in the test's loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from app.core.events import Event, EventHub
from app.mcp.transport import wire
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.registry import SessionRegistry
from tests.mcp.transport.fake_server import authenticate, build_fake_server


@dataclass
class Served:
    """A running endpoint with its registry and the events it published."""

    endpoint: LocalEndpoint
    registry: SessionRegistry
    info: EndpointInfo
    hub: EventHub
    events: list[Event] = field(default_factory=list)


@pytest.fixture(name="served")
async def served_fixture() -> AsyncIterator[Served]:
    """A :class:`LocalEndpoint` on a Unix socket with the fake server."""
    hub = EventHub()
    registry = SessionRegistry(hub)
    endpoint = LocalEndpoint(build_fake_server(), authenticate, registry)
    info = await endpoint.start()
    result = Served(endpoint, registry, info, hub)
    unsubscribe = hub.subscribe(result.events.append)
    try:
        yield result
    finally:
        unsubscribe()
        await endpoint.stop()


class RawClient:
    """Writes raw lines to the endpoint and reads JSON lines back."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, info: EndpointInfo, hello: bytes | None = None) -> RawClient:
        assert info.path is not None
        reader, writer = await asyncio.open_unix_connection(info.path, limit=wire.MAX_LINE)
        client = cls(reader, writer)
        if hello is None:
            hello = json.dumps({"token": "odt_alice", "client": "raw"}).encode() + b"\n"
        await client.send(hello)
        return client

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def request(self, rid: int, method: str, params: dict[str, object] | None = None) -> None:
        msg: dict[str, object] = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        await self.send(json.dumps(msg).encode() + b"\n")

    async def read(self) -> dict[str, object]:
        line = await asyncio.wait_for(self.reader.readline(), 10)
        assert line, "connection closed"
        result: dict[str, object] = json.loads(line)
        return result

    async def read_eof(self) -> bool:
        return await asyncio.wait_for(self.reader.read(), 10) == b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()

    async def initialize(self) -> None:
        assert (await self.read())["hello"] == "ok"
        await self.request(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        )
        assert "result" in await self.read()
        await self.send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')


@pytest.fixture
async def raw_clients() -> AsyncIterator[list[RawClient]]:
    """A list to put raw clients in; all are closed at the end."""
    clients: list[RawClient] = []
    yield clients
    for client in clients:
        await client.close()
