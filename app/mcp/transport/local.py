"""The local endpoint: a Unix socket (Linux/macOS) or loopback TCP (Windows) for the shim.

:class:`LocalEndpoint` takes the endpoint lock, listens, writes the endpoint file, and serves
each connection as its own session (see :mod:`app.mcp.transport.connection`). It runs on the
engine loop; :meth:`LocalEndpoint.stop` ends every session, removes the socket and the endpoint
file and drops the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

import anyio
from mcp.server import Server

from app import __version__
from app.core import paths
from app.mcp.transport import peer, wire
from app.mcp.transport.connection import Authenticator, handle_connection
from app.mcp.transport.endpoint_file import (
    EndpointInfo,
    EndpointLock,
    remove_endpoint,
    write_endpoint,
)
from app.mcp.transport.registry import SessionRegistry

log = logging.getLogger(__name__)

SOCKET_NAME = "mcp.sock"
STOP_TIMEOUT = 5.0


def default_transport() -> str:
    """``"tcp"`` on Windows, ``"unix"`` elsewhere."""
    return "tcp" if sys.platform == "win32" else "unix"


class LocalEndpoint:
    """Serves MCP sessions on the local endpoint of the current data folder.

    Args:
        server: The low-level MCP server every session runs.
        authenticate: Maps a hello's token (or None) to an identity, None to refuse.
        registry: Live-session list shared with the other transports.
        transport: ``"unix"`` or ``"tcp"``; default by platform.
        endpoint_path: The endpoint file; default ``paths.endpoint_file()``.
    """

    def __init__(
        self,
        server: Server,
        authenticate: Authenticator,
        registry: SessionRegistry,
        transport: str | None = None,
        endpoint_path: Path | None = None,
    ) -> None:
        self.server = server
        self.authenticate = authenticate
        self.registry = registry
        self.transport = transport or default_transport()
        self.endpoint_path = endpoint_path or paths.endpoint_file()
        self.info: EndpointInfo | None = None
        self._secret = peer.new_secret()
        self._lock = EndpointLock(self.endpoint_path.with_suffix(".lock"))
        self._listener: asyncio.Server | None = None
        self._scopes: set[anyio.CancelScope] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    async def start(self) -> EndpointInfo:
        """Take the lock, listen and publish the endpoint file.

        Raises:
            EndpointBusy: Another live process serves this data folder's endpoint.
            UnsafeFolderError: The runtime folder is not private to this user (another user
                made it, or it is a symlink or open to others); nothing was bound.
            OSError: The socket could not be created.
        """
        self._lock.acquire()
        try:
            self._listener, self.info = await self._listen()
            write_endpoint(self.info, self.endpoint_path)
        except BaseException:
            await self._close_listener()
            self._lock.release()
            raise
        log.info("MCP local endpoint listening (%s)", self.info.transport)
        return self.info

    async def _listen(self) -> tuple[asyncio.Server, EndpointInfo]:
        pid = os.getpid()
        if self.transport == "unix":
            sock_path = paths.runtime_dir() / SOCKET_NAME
            with contextlib.suppress(FileNotFoundError):
                sock_path.unlink()  # left by a dead owner: we hold the lock now
            listener = await asyncio.start_unix_server(
                self._on_client, path=str(sock_path), limit=wire.MAX_LINE
            )
            sock_path.chmod(0o600)
            info = EndpointInfo("unix", pid, __version__, path=str(sock_path), secret=self._secret)
            return listener, info
        listener = await asyncio.start_server(
            self._on_client, host="127.0.0.1", port=0, limit=wire.MAX_LINE
        )
        port = int(listener.sockets[0].getsockname()[1])
        info = EndpointInfo(
            "tcp", pid, __version__, host="127.0.0.1", port=port, secret=self._secret
        )
        return listener, info

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # A cancel scope, not Task.cancel(): on 3.11 a cancelled connection task makes asyncio
        # log "Exception in callback StreamReaderProtocol...". The scope swallows its own cancel.
        scope = anyio.CancelScope()
        self._scopes.add(scope)
        self._idle.clear()
        try:
            with scope:
                await handle_connection(
                    self.server, reader, writer, self.authenticate, self.registry, self._secret
                )
        except Exception:
            log.exception("MCP connection failed")
        finally:
            self._scopes.discard(scope)
            if not self._scopes:
                self._idle.set()

    async def stop(self) -> None:
        """Stop listening, end every session, remove the socket and endpoint file, unlock."""
        if self.info is None:
            return
        remove_endpoint(self.endpoint_path, os.getpid())
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()  # stop accepting; wait_closed() after the sessions ended (3.12+)
        for scope in list(self._scopes):
            scope.cancel()
        with anyio.move_on_after(STOP_TIMEOUT):
            await self._idle.wait()
        if listener is not None:
            await listener.wait_closed()
        _remove_socket(self.info)
        self._lock.release()
        self.info = None
        log.info("MCP local endpoint stopped")

    async def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
            await listener.wait_closed()


def _remove_socket(info: EndpointInfo) -> None:
    """Remove the socket and its private runtime folder (when nothing else is left in it)."""
    if info.path:
        socket_path = Path(info.path)
        with contextlib.suppress(FileNotFoundError):
            socket_path.unlink()
        with contextlib.suppress(OSError):
            socket_path.parent.rmdir()
