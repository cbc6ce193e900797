"""Clients of a real local endpoint for notification tests: the endpoint itself (one per data
folder, several clients), and a minimal MCP client that negotiates an older protocol revision
(e.g. 2024-11-05) as older clients do: plain JSON-RPC lines, no SDK (the SDK's client only
offers the newest revision). It keeps every notification it receives."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from anyio.abc import ByteStream
from anyio.streams.buffered import BufferedByteReceiveStream

from app.core.access import ClientIdentity
from app.mcp.server import build_server
from app.mcp.tools.context import McpContext
from app.mcp.transport import wire
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.registry import SessionRegistry

Message = dict[str, Any]


@asynccontextmanager
async def endpoint_of(
    app: McpContext, identities: dict[str, ClientIdentity]
) -> AsyncIterator[EndpointInfo]:
    """A real local endpoint of ``app``'s server; each token maps to its identity."""
    endpoint = LocalEndpoint(build_server(app), identities.get, SessionRegistry(app.hub))
    try:
        yield await endpoint.start()
    finally:
        await endpoint.stop()


class OldClient:
    """JSON-RPC over one local-socket connection: requests, and the notifications heard."""

    def __init__(self, stream: ByteStream) -> None:
        self.stream = stream
        self.buffer = BufferedByteReceiveStream(stream)
        self.notifications: list[Message] = []
        self._replies: dict[int, asyncio.Future[Message]] = {}
        self._heard = asyncio.Condition()
        self._next_id = 0
        self.initialized: Message = {}

    async def send(self, message: Message) -> None:
        await self.stream.send(json.dumps(message).encode() + b"\n")

    async def request(self, method: str, params: Message | None = None) -> Message:
        """Send a request and return its ``result`` (an ``error`` reply raises)."""
        self._next_id += 1
        reply = self._replies[self._next_id] = asyncio.get_running_loop().create_future()
        await self.send({"jsonrpc": "2.0", "id": self._next_id, "method": method, **_p(params)})
        answer = await asyncio.wait_for(reply, 30)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        result: Message = answer["result"]
        return result

    def start_request(self, method: str, params: Message | None = None) -> asyncio.Task[Message]:
        """Send a request in the background (e.g. a tool call that waits for approval)."""
        return asyncio.ensure_future(self.request(method, params))

    async def wait_for(self, method: str) -> Message:
        """The first notification of ``method`` (waits for it)."""

        def found() -> Message | None:
            return next((m for m in self.notifications if m.get("method") == method), None)

        async with self._heard:
            await asyncio.wait_for(self._heard.wait_for(lambda: found() is not None), 30)
        message = found()
        assert message is not None
        return message

    def heard(self, method: str) -> list[Message]:
        return [m for m in self.notifications if m.get("method") == method]

    async def read(self) -> None:
        with contextlib.suppress(
            anyio.EndOfStream, anyio.IncompleteRead, anyio.ClosedResourceError
        ):
            while True:
                message = json.loads(await self.buffer.receive_until(b"\n", wire.MAX_LINE))
                if "id" in message and ("result" in message or "error" in message):
                    waiting = self._replies.pop(message["id"], None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(message)
                    continue
                async with self._heard:
                    self.notifications.append(message)
                    self._heard.notify_all()


def _p(params: Message | None) -> Message:
    return {} if params is None else {"params": params}


@asynccontextmanager
async def old_client(
    info: EndpointInfo, token: str, version: str = "2024-11-05"
) -> AsyncIterator[OldClient]:
    """Connect, say hello with ``token``, and initialize at protocol ``version``."""
    assert info.path, "the local endpoint is a Unix socket in these tests"
    stream = await anyio.connect_unix(info.path)
    async with stream:
        client = OldClient(stream)
        await client.send({"token": token, "client": f"old-{version}"})
        hello = json.loads(await client.buffer.receive_until(b"\n", wire.MAX_HELLO))
        assert hello.get("hello") == "ok", hello
        reading = asyncio.ensure_future(client.read())
        try:
            client.initialized = await client.request(
                "initialize",
                {
                    "protocolVersion": version,
                    "capabilities": {},
                    "clientInfo": {"name": f"old-{version}", "version": "1"},
                },
            )
            await client.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
            yield client
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
