"""Per-session state of an MCP connection, reachable from any tool handler.

Each transport sets a :class:`SessionState` in a ContextVar before it runs the server for a
connection. The SDK carries context variables into every handler task (also across its memory
streams on HTTP), so ``current_session()`` inside a tool returns the state of the connection that
made the call, whatever the transport.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anyio

Identity = Any
"""What ``authenticate(token)`` returned for the client (the access layer's identity object)."""


def new_session_id() -> str:
    """Return a fresh random session id (32 hex characters)."""
    return uuid.uuid4().hex


@dataclass(eq=False)
class SessionState:
    """One MCP session: who is connected and what they chose.

    Attributes:
        identity: The authenticated client (from the access layer); a read-only anonymous
            identity when the client presented no token.
        active_store_id: The store picked with ``stores_use``; None until then. Tools may
            change it; it lives as long as the session.
        session_id: Random id of this session (shown in the live-session list, used to end it).
        client_name: The name the client announced in its hello (free text, for display only;
            never used for authorization).
    """

    identity: Identity
    active_store_id: int | None = None
    session_id: str = field(default_factory=new_session_id)
    client_name: str = ""
    _cancel: anyio.CancelScope | None = field(default=None, init=False, repr=False)

    @property
    def cancel(self) -> anyio.CancelScope:
        """Cancelling this scope ends the session (used when a token is revoked). Made on first
        use, on the loop that runs the session (making one loads anyio's asyncio backend, which
        a stdio session answering early reads does not need yet); only cancel it there."""
        if self._cancel is None:
            self._cancel = anyio.CancelScope()
        return self._cancel


_CURRENT: contextvars.ContextVar[SessionState] = contextvars.ContextVar("orderdesk_mcp_session")


class NoSession(LookupError):
    """Code that needs a session ran outside any MCP session."""


def current_session() -> SessionState:
    """Return the state of the MCP session the caller runs in.

    Raises:
        NoSession: Called outside a session (no transport set one).
    """
    try:
        return _CURRENT.get()
    except LookupError:
        raise NoSession("no MCP session is active in this context") from None


@contextmanager
def session_scope(state: SessionState) -> Iterator[SessionState]:
    """Make ``state`` the current session inside the ``with`` block (transports and tests)."""
    token = _CURRENT.set(state)
    try:
        yield state
    finally:
        _CURRENT.reset(token)
