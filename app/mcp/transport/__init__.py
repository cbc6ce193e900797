"""How AI clients reach the MCP server: the local endpoint, stdio and Streamable HTTP.

Every transport runs each connection as its own session with a
:class:`~app.mcp.transport.session.SessionState` in a ContextVar, so tool handlers learn who is
calling with :func:`~app.mcp.transport.session.current_session` whatever the transport.

This package's ``__init__`` imports nothing: the stdlib-only shim imports
:mod:`app.mcp.transport.endpoint_file` and must not pull in anyio, pydantic or mcp.
"""
