"""One connection on the local endpoint: the hello, then JSON-RPC lines pumped into the server.

Each connection is its own MCP session: its :class:`SessionState` is set in the ContextVar before
``Server.run`` starts, so every handler of that connection sees it. A bad line gets a JSON-RPC
error and the session goes on; a line over the limit gets an error and only that connection is
closed. Nothing one client sends can take down another session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import anyio
import mcp_types as types
from anyio.streams.memory import MemoryObjectSendStream
from mcp.server import Server
from mcp.shared.message import ServerMessageMetadata, SessionMessage

from app.mcp.transport import peer, wire
from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import Identity, SessionState, session_scope

log = logging.getLogger(__name__)

Authenticator = Callable[[str | None], Identity | None]
"""``authenticate(token)``: the client's identity, or None (or an exception) when the token is
refused. ``None`` (no token) is refused too unless token-less read-only sessions are allowed."""

HELLO_TIMEOUT = 10.0
LINGER_SECONDS = 2.0
REFUSED = (
    "This client token is not valid or was revoked. Create a token in OrderDesk Tray "
    "(Connect an AI client, or `orderdesk-mcp clients add NAME`) and set ORDERDESK_TRAY_TOKEN "
    "in the client's configuration."
)
TOKENLESS = (
    "This client presented no token (ORDERDESK_TRAY_TOKEN is not set in its configuration), "
    "and OrderDesk Tray refuses clients without one. Create a token in OrderDesk Tray (Connect "
    "an AI client, or `orderdesk-mcp clients add NAME`) and set ORDERDESK_TRAY_TOKEN. To let "
    "token-less clients read (never write), turn on the setting mcp.allow_tokenless_read in "
    "the tray's Settings."
)


def check_token(authenticate: Authenticator, token: str | None) -> Identity | None:
    """Run ``authenticate``; a refusal or an exception gives None (logged, without the token)."""
    try:
        return authenticate(token)
    except Exception as exc:
        log.warning("Client token refused: %s", type(exc).__name__)
        return None


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


async def _read_first_line(reader: asyncio.StreamReader) -> bytes:
    try:
        line = await asyncio.wait_for(reader.readuntil(b"\n"), HELLO_TIMEOUT)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
        raise wire.HelloError("Expected a hello line first") from None
    if len(line) > wire.MAX_HELLO:
        raise wire.HelloError("The hello line is too long")
    return line


async def _read_hello(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, secret: str | None
) -> wire.Hello:
    """Read the hello; first answer a shim's challenge with the proof of ``secret``."""
    line = await _read_first_line(reader)
    nonce = wire.parse_challenge(line)
    if nonce is not None:
        if secret is None:
            raise wire.HelloError("This endpoint has no secret to prove itself with")
        writer.write(wire.proof_reply(peer.proof(secret, nonce)))
        await writer.drain()
        line = await _read_first_line(reader)
    return wire.parse_hello(line)


async def _refuse(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, error: wire.HelloError | str
) -> None:
    """Answer a refused hello in both languages a client may speak, then close."""
    message = str(error)
    rid = error.request_id if isinstance(error, wire.HelloError) else None
    writer.write(wire.hello_reply(None, message))
    writer.write(wire.encode(wire.error_message(wire.UNAUTHORIZED, message, rid)))
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    await _linger(reader, writer)
    await _close(writer)


async def handle_connection(
    server: Server,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    authenticate: Authenticator,
    registry: SessionRegistry,
    secret: str | None = None,
) -> None:
    """Serve one client from its hello to the end of its session, then close the connection.

    Args:
        secret: The endpoint secret; a shim's challenge is answered with its proof.
    """
    try:
        hello = await _read_hello(reader, writer, secret)
    except wire.HelloError as exc:
        await _refuse(reader, writer, exc)
        return
    identity = check_token(authenticate, hello.token)
    if identity is None:
        await _refuse(reader, writer, REFUSED if hello.token else TOKENLESS)
        return
    state = SessionState(identity=identity, client_name=hello.client)
    writer.write(wire.hello_reply(state.session_id))
    registry.add(state, "socket")
    try:
        await writer.drain()
        await run_session(server, reader, writer, state)
    except ConnectionError:
        log.debug("Session %s: connection lost", state.session_id)
    finally:
        registry.remove(state)
        await _linger(reader, writer)
        await _close(writer)


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Half-close and discard what the client still sends, briefly.

    Closing a socket with unread input makes the OS send a reset, and the client would lose our
    last reply (e.g. "Message too large"). A client that reached EOF needs no lingering.
    """
    if reader.at_eof() or writer.is_closing():
        return
    with contextlib.suppress(ConnectionError, OSError):
        if writer.can_write_eof():
            writer.write_eof()
        with anyio.move_on_after(LINGER_SECONDS):
            while await reader.read(1 << 16):
                pass


async def run_session(
    server: Server,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    state: SessionState,
) -> None:
    """Pump JSON-RPC lines between the connection and ``server.run`` until either side ends.

    Cancelling ``state.cancel`` ends the session (the client sees the connection close).
    """
    c2s_send, c2s_recv = anyio.create_memory_object_stream[SessionMessage | Exception](16)
    s2c_send, s2c_recv = anyio.create_memory_object_stream[SessionMessage](16)
    errors = s2c_send.clone()  # run() closes s2c_send; error replies keep their own handle
    meta = ServerMessageMetadata(request_context=state)

    async def pump_in() -> None:
        async with c2s_send, errors:
            await _pump_lines(reader, c2s_send, errors, meta)

    async def pump_out() -> None:
        async with s2c_recv:
            async for message in s2c_recv:
                writer.write(wire.encode(message))
                await writer.drain()

    with session_scope(state), state.cancel:
        async with anyio.create_task_group() as tg:
            tg.start_soon(pump_in)
            tg.start_soon(pump_out)
            await server.run(c2s_recv, s2c_send, server.create_initialization_options())


async def _pump_lines(
    reader: asyncio.StreamReader,
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    errors: MemoryObjectSendStream[SessionMessage],
    meta: ServerMessageMetadata,
) -> None:
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            line = exc.partial  # EOF, maybe after a last line without a newline
            if not line.strip():
                return
        except asyncio.LimitOverrunError:
            limit_mib = wire.MAX_LINE // (1024 * 1024)
            text = f"Message too large: a line may hold at most {limit_mib} MiB; closing"
            await errors.send(wire.error_message(types.INVALID_REQUEST, text))
            return
        if not line.strip():
            continue
        parsed = wire.parse_line(line)
        if isinstance(parsed, SessionMessage):
            await errors.send(parsed)
        else:
            await to_server.send(SessionMessage(parsed, metadata=meta))
