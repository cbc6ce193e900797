"""stdio: the whole process is one MCP session on stdin/stdout (``serve --stdio``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mcp.server import Server
from mcp.server.stdio import stdio_server

from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import SessionState, session_scope

if TYPE_CHECKING:
    from app.mcp.transport.early import EarlyStdio


async def serve_stdio(
    server: Server,
    state: SessionState,
    registry: SessionRegistry,
    early: EarlyStdio | None = None,
) -> None:
    """Serve one session on this process's stdin/stdout until stdin closes or it is ended.

    While it runs, fd 1 points at stderr so a stray ``print`` cannot corrupt the protocol (the
    SDK does this, or :class:`~app.mcp.transport.early.EarlyStdio` did it at start-up and hands
    over what it read). Cancelling ``state.cancel`` ends the session.
    """
    registry.add(state, "stdio")
    try:
        with session_scope(state), state.cancel:
            if early is None:
                async with stdio_server() as (read, write):
                    await server.run(read, write, server.create_initialization_options())
                return
            async with (
                early.streams() as (stdin, stdout),
                stdio_server(stdin, stdout) as (
                    read,
                    write,
                ),
            ):
                await server.run(read, write, server.create_initialization_options())
    finally:
        registry.remove(state)
