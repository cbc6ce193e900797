"""The sandbox HTTP server: stdlib ThreadingHTTPServer on a loopback port, in a thread."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from app.sandbox.bucket import LeakyBucket
from app.sandbox.dispatch import Dispatcher
from app.sandbox.faults import Fault, FaultBook
from app.sandbox.spec import SandboxStoreSpec
from app.sandbox.store import SandboxStore

logger = logging.getLogger(__name__)


class SandboxServer:
    """A local Order Desk API v2 look-alike serving one or more generated stores.

    Args:
        stores: Store specs; defaults to the demo store.
        host: Interface to bind (keep it on loopback).
        port: TCP port; 0 picks a free one (see :attr:`base_url`).
        rate_limit: Enforce each store's leaky bucket (20 tokens, +3/s).
        bucket_size: Bucket size per store.
        leak_rate: Tokens added per second.
        clock: Monotonic clock for the buckets (tests pass a fake one).
    """

    def __init__(
        self,
        stores: Sequence[SandboxStoreSpec] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: bool = True,
        *,
        bucket_size: int = 20,
        leak_rate: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        specs = list(stores) if stores else [SandboxStoreSpec()]
        if len({spec.store_id for spec in specs}) != len(specs):
            raise ValueError("store ids must be unique")
        self._stores = {
            spec.store_id: SandboxStore(
                spec, LeakyBucket(bucket_size, leak_rate, rate_limit, clock)
            )
            for spec in specs
        }
        self._address = (host, port)
        self._faults = FaultBook()
        self._stopping = threading.Event()
        self._dispatcher = Dispatcher(self._stores, self._faults, self._stopping)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bind, listen and serve in a background thread; returns once listening."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HttpServer(self._address, self._dispatcher)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="orderdesk-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and the socket, join all threads."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        thread.join()
        self._httpd = self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (only meaningful after :meth:`start`)."""
        if self._httpd is None:
            raise RuntimeError("the sandbox server is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """Base URL of the API, e.g. ``http://127.0.0.1:51234/api/v2``."""
        return f"http://{self._address[0]}:{self.port}/api/v2"

    @property
    def stores(self) -> list[SandboxStore]:
        """All stores, in spec order."""
        return list(self._stores.values())

    def store(self, store_id: str | None = None) -> SandboxStore:
        """Return a store by id (the first store when ``store_id`` is None)."""
        if store_id is None:
            return next(iter(self._stores.values()))
        return self._stores[str(store_id)]

    @property
    def rate_limit(self) -> bool:
        """Whether the buckets are enforced; can be switched at run time."""
        return all(store.bucket.enabled for store in self._stores.values())

    @rate_limit.setter
    def rate_limit(self, enabled: bool) -> None:
        for store in self._stores.values():
            store.bucket.enabled = enabled

    def add_fault(self, fault: Fault) -> Fault:
        """Register a fault (see :class:`Fault`) and return it to read ``fired`` later."""
        return self._faults.add(fault)

    def clear_faults(self) -> None:
        """Remove every registered fault."""
        self._faults.clear()


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections."""
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, OSError):
            logger.debug("sandbox connection error: %s", error)
            return
        logger.exception("sandbox handler failed for %s", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "OrderDeskSandbox/1.0"
    sys_version = ""
    server: _HttpServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = do_GET

    def _serve(self) -> None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            self.send_error(411, "Send a Content-Length")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self.send_error(400, "Bad Content-Length")
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.upper(): value for name, value in self.headers.items()}
        reply = self.server.dispatcher.handle(self.command, self.path, headers, body)
        if reply.body is None:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s - %s", self.address_string(), format % args)
