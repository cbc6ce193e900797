"""How AI clients reach the MCP server: the local endpoint, stdio and Streamable HTTP.

Every transport runs each connection as its own session with a :class:`SessionState` in a
ContextVar (see :mod:`app.mcp.transport.session`), so tool handlers learn who is calling with
:func:`current_session` whatever the transport.
"""

from app.mcp.transport.session import SessionState, current_session, session_scope

__all__ = ["SessionState", "current_session", "session_scope"]
