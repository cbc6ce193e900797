"""stdio: the whole process is one MCP session on stdin/stdout (``serve --stdio``)."""

from __future__ import annotations

from mcp.server import Server
from mcp.server.stdio import stdio_server

from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import SessionState, session_scope


async def serve_stdio(server: Server, state: SessionState, registry: SessionRegistry) -> None:
    """Serve one session on this process's stdin/stdout until stdin closes or it is ended.

    While it runs, the SDK points fd 1 at stderr so a stray ``print`` cannot corrupt the
    protocol. Cancelling ``state.cancel`` ends the session.
    """
    registry.add(state, "stdio")
    try:
        with session_scope(state), state.cancel:
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())
    finally:
        registry.remove(state)
