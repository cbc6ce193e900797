"""A client-side MCP transport for the local endpoint (tests, benchmarks, self-checks).

``local_client_transport(info, token, client)`` connects, says hello, and yields the
``(read_stream, write_stream)`` pair that :class:`mcp.Client` and :class:`mcp.ClientSession`
accept, exactly as the shim does for AI clients.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import mcp_types as types
from anyio.abc import ByteStream
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp.shared.message import SessionMessage

from app.mcp.transport import peer, wire
from app.mcp.transport.endpoint_file import EndpointInfo

ClientStreams = tuple[
    anyio.abc.ObjectReceiveStream[SessionMessage | Exception],
    anyio.abc.ObjectSendStream[SessionMessage],
]


class HelloRefused(ConnectionError):
    """The server refused the hello (bad or revoked token); the message says why."""


async def _connect(info: EndpointInfo) -> ByteStream:
    if info.transport == "unix" and info.path:
        return await anyio.connect_unix(info.path)
    if info.host and info.port:
        return await anyio.connect_tcp(info.host, info.port)
    raise ValueError(f"Cannot connect to endpoint {info!r}")


async def _check_peer(
    stream: ByteStream, buf: BufferedByteReceiveStream, info: EndpointInfo
) -> None:
    """Over TCP (no peer credentials), make the server prove the endpoint secret, as the shim."""
    if info.transport != "tcp":
        return
    if not info.secret:
        raise HelloRefused("The endpoint file has no secret; the server cannot prove itself")
    nonce = secrets.token_hex(peer.NONCE_BYTES)
    await stream.send(json.dumps({"challenge": nonce}).encode() + b"\n")
    reply = json.loads(await buf.receive_until(b"\n", peer.MAX_PROOF_LINE))
    if not hmac.compare_digest(str(reply.get("proof")), peer.proof(info.secret, nonce)):
        raise HelloRefused("The server could not prove it knows the endpoint secret")


async def _hello(
    stream: ByteStream, buf: BufferedByteReceiveStream, token: str | None, client: str
) -> str:
    await stream.send(json.dumps({"token": token, "client": client}).encode() + b"\n")
    reply = json.loads(await buf.receive_until(b"\n", wire.MAX_HELLO))
    if reply.get("hello") != "ok":
        raise HelloRefused(str(reply.get("message", "hello refused")))
    return str(reply.get("session"))


@asynccontextmanager
async def local_client_transport(
    info: EndpointInfo, token: str | None = None, client: str = "test"
) -> AsyncIterator[ClientStreams]:
    """Connect to the local endpoint and yield MCP client streams.

    Raises:
        HelloRefused: The token was refused, or a TCP server failed to prove the secret.
        OSError: Nothing listens at ``info``.
    """
    stream = await _connect(info)
    buf = BufferedByteReceiveStream(stream)
    async with stream:
        await _check_peer(stream, buf, info)
        await _hello(stream, buf, token, client)
        async with _pumped(stream, buf) as streams:
            yield streams


@asynccontextmanager
async def _pumped(
    stream: ByteStream, buf: BufferedByteReceiveStream
) -> AsyncIterator[ClientStreams]:
    in_send, in_recv = anyio.create_memory_object_stream[SessionMessage | Exception](16)
    out_send, out_recv = anyio.create_memory_object_stream[SessionMessage](16)

    async def reader() -> None:
        async with in_send:
            ended = (
                anyio.IncompleteRead,
                anyio.EndOfStream,
                anyio.ClosedResourceError,
                anyio.BrokenResourceError,
            )
            try:
                while True:
                    line = await buf.receive_until(b"\n", wire.MAX_LINE)
                    msg = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                    await in_send.send(SessionMessage(msg))
            except ended:
                return

    async def writer() -> None:
        async with out_recv:
            async for message in out_recv:
                await stream.send(wire.encode(message))

    async with in_recv, out_send, anyio.create_task_group() as tg:
        tg.start_soon(reader)
        tg.start_soon(writer)
        try:
            yield in_recv, out_send
        finally:
            tg.cancel_scope.cancel()
