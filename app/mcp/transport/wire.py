"""Newline-delimited JSON-RPC on the local endpoint: parsing lines, error replies, the hello.

Pure functions; the connection pump in :mod:`app.mcp.transport.connection` uses them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import mcp_types as types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

MAX_LINE = 8 * 1024 * 1024
"""Longest accepted line (one JSON-RPC message) on the local endpoint, in bytes."""

MAX_HELLO = 64 * 1024
"""Longest accepted hello line, in bytes."""

UNAUTHORIZED = -32001
"""JSON-RPC error code sent when the hello's token is refused."""


def error_message(code: int, message: str, request_id: str | int | None = None) -> SessionMessage:
    """Build a JSON-RPC error reply as a :class:`SessionMessage`."""
    return SessionMessage(
        types.JSONRPCError(
            jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message)
        )
    )


def encode(message: SessionMessage) -> bytes:
    """Serialize one message as a JSON line (with the trailing newline)."""
    return message.message.model_dump_json(by_alias=True, exclude_unset=True).encode() + b"\n"


def _request_id(raw: Any) -> str | int | None:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str | int):
        rid: str | int = raw["id"]
        return rid
    return None


def parse_line(line: bytes) -> types.JSONRPCMessage | SessionMessage:
    """Parse one line into a JSON-RPC message, or into the error reply the client should get.

    Returns:
        The parsed message, or a ready :class:`SessionMessage` carrying a -32700 (not JSON) or
        -32600 (not a JSON-RPC message) error to send back.
    """
    try:
        raw = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return error_message(types.PARSE_ERROR, "Parse error: each line must be one JSON object")
    try:
        return types.jsonrpc_message_adapter.validate_python(raw, by_name=False)
    except ValidationError:
        return error_message(
            types.INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message", _request_id(raw)
        )


@dataclass(frozen=True)
class Hello:
    """The first line a client sends: its token (None = anonymous) and display name."""

    token: str | None
    client: str


class HelloError(ValueError):
    """The first line was not a usable hello; the message says what to send instead."""

    def __init__(self, message: str, request_id: str | int | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id


MAX_NONCE = 256
"""Longest accepted challenge nonce, in characters."""


def parse_challenge(line: bytes) -> str | None:
    """The nonce of a ``{"challenge": "<hex>"}`` line, or None when the line is something else.

    A shim that cannot read the peer's credentials sends this before its hello; the server
    answers with :func:`proof_reply` (see :mod:`app.mcp.transport.peer`).
    """
    try:
        raw = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or "jsonrpc" in raw or "token" in raw:
        return None
    nonce = raw.get("challenge")
    if isinstance(nonce, str) and 0 < len(nonce) <= MAX_NONCE:
        return nonce
    return None


def proof_reply(proof: str) -> bytes:
    """The server's answer to a challenge, as one JSON line."""
    return json.dumps({"proof": proof}).encode() + b"\n"


def parse_hello(line: bytes) -> Hello:
    """Parse the hello line ``{"token": "...", "client": "name"}``.

    Raises:
        HelloError: Not JSON, not an object, a JSON-RPC message instead of a hello, or fields
            of the wrong type.
    """
    try:
        raw = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise HelloError("The first line must be a hello JSON object") from None
    if not isinstance(raw, dict):
        raise HelloError("The first line must be a hello JSON object")
    if "jsonrpc" in raw:
        raise HelloError(
            "Send a hello line before JSON-RPC: connect through `orderdesk-mcp`, which does it",
            _request_id(raw),
        )
    token, client = raw.get("token"), raw.get("client", "")
    if token is not None and not isinstance(token, str):
        raise HelloError("The hello's token must be a string")
    if not isinstance(client, str):
        raise HelloError("The hello's client name must be a string")
    return Hello(token=token or None, client=client.strip()[:100])


def hello_reply(session_id: str | None, error: str | None = None) -> bytes:
    """The server's answer to a hello, as one JSON line.

    ``{"hello": "ok", "session": "<id>"}`` or ``{"hello": "error", "message": "..."}``.
    """
    if error is not None:
        return json.dumps({"hello": "error", "message": error}).encode() + b"\n"
    return json.dumps({"hello": "ok", "session": session_id}).encode() + b"\n"
