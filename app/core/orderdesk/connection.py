"""The request engine: headers, rate limiting, retries, error mapping and logging.

:class:`Connection` sends one logical request and returns its JSON envelope. Resource methods
live in :mod:`app.core.orderdesk.client` and friends; they only build paths and bodies.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from app import __version__
from app.core.orderdesk.errors import (
    NetworkError,
    NotFoundError,
    OrderDeskError,
    RateLimitedError,
    RequestTimeout,
    StoreBusyError,
    redact,
)
from app.core.orderdesk.limiter import LeakyBucket, report_wait
from app.core.orderdesk.responses import read_envelope, retry_after, tokens_remaining
from app.core.orderdesk.retry import RetryPolicy, may_have_reached_server, retry_delay
from app.core.orderdesk.values import format_datetime, to_id

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://app.orderdesk.me/api/v2"
BASE_URL_ENV = "ORDERDESK_API_URL"
USER_AGENT = f"orderdesk-tray/{__version__}"
BODY_METHODS = frozenset({"POST", "PUT"})

Envelope = dict[str, Any]
QueryParams = Mapping[str, str]


def resolve_base_url(explicit: str | None = None) -> str:
    """Pick the API base URL: the store's own setting, else ``ORDERDESK_API_URL``, else live.

    Args:
        explicit: A base URL configured for the store (``None`` or empty to skip).

    Returns:
        The base URL without a trailing slash.
    """
    url = explicit or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    return url.strip().rstrip("/")


def path_segment(value: object) -> str:
    """Render an id as one safe path segment (``"../x"`` cannot escape its place).

    Raises:
        ValueError: The id is empty.
    """
    text = to_id(value)
    if not text:
        raise ValueError("an Order Desk id must not be empty")
    return quote(text, safe="")


def encode_body(body: object) -> bytes:
    """Serialise a request body; ``Decimal`` becomes a string, dates Order Desk's format.

    Args:
        body: A JSON-compatible object (usually a raw record, possibly edited).
    """

    def fallback(value: object) -> object:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, datetime | date):
            return format_datetime(value)
        raise TypeError(f"cannot send {type(value).__name__} to Order Desk")

    return json.dumps(body, default=fallback, ensure_ascii=False).encode("utf-8")


def _never_sent(exc: httpx.TransportError) -> bool:
    """True for a failure that happened before a single byte of the request reached the
    server (httpx is imported with the first connection, not with this module)."""
    import httpx

    return isinstance(
        exc,
        httpx.ConnectError
        | httpx.ConnectTimeout
        | httpx.PoolTimeout
        | httpx.LocalProtocolError
        | httpx.UnsupportedProtocol,
    )


@dataclass
class _Wait:
    """Seconds one logical request has waited for a turn in the store's bucket so far."""

    seconds: float = 0.0


class Connection:
    """One store's HTTP connection to Order Desk API v2.

    The HTTP client is made when the first request is sent: a process that answers from the
    local mirror never builds a TLS context (~30 ms).
    """

    def __init__(
        self,
        store_id: str,
        api_key: str,
        *,
        base_url: str | None = None,
        limiter: LeakyBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create the connection; see :class:`~app.core.orderdesk.client.OrderDeskClient`."""
        self.store_id = to_id(store_id)
        self.base_url = resolve_base_url(base_url)
        self.limiter = limiter if limiter is not None else LeakyBucket()
        self.retry = retry if retry is not None else RetryPolicy()
        self._api_key = api_key
        self._timeout, self._transport = timeout, transport
        self._http: httpx.AsyncClient | None = None
        self.closed = False

    def _open(self) -> httpx.AsyncClient:
        """The HTTP client, made on first use."""
        if self._http is not None:
            return self._http
        if self.closed:
            raise RuntimeError("this Order Desk connection is closed")
        import httpx  # here, not at module level: a mirror-only process never needs it

        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self._timeout,
            transport=self._transport,
            headers={
                "ORDERDESK-STORE-ID": self.store_id,
                "ORDERDESK-API-KEY": self._api_key,
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
        )
        return self._http

    async def aclose(self) -> None:
        """Close the underlying HTTP client (if one was made)."""
        self.closed = True
        if self._http is not None:
            await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        body: object = None,
    ) -> Envelope:
        """Send a request (with limiter and retries) and return the response envelope.

        Args:
            method: ``GET``, ``POST``, ``PUT`` or ``DELETE``.
            path: Path below the base URL, e.g. ``/orders/123``.
            params: Query parameters (GET only in practice).
            body: JSON body; only sent for POST and PUT.

        Raises:
            OrderDeskError: The request failed; see the subclasses.
        """
        method = method.upper()
        if body is not None and method not in BODY_METHODS:
            raise ValueError(f"{method} requests carry no body")
        http = self._open()
        content = encode_body(body) if method in BODY_METHODS else None
        attempt, uncertain = 0, False
        wait = _Wait()
        while True:
            attempt += 1
            try:
                return await self._send_once(http, method, path, params, content, wait)
            except OrderDeskError as error:
                if method == "DELETE" and uncertain and isinstance(error, NotFoundError):
                    return {"status": "success", "message": "Already deleted."}
                delay = retry_delay(self.retry, method, error, attempt)
                if delay is None:
                    error.may_have_applied = method == "POST" and may_have_reached_server(error)
                    raise
                if isinstance(error, RateLimitedError):
                    self._check_deadline(wait, delay, method, path, error.retry_after)
                    wait.seconds += delay
                uncertain = uncertain or may_have_reached_server(error)
                logger.info(
                    "Order Desk %s %s attempt %d failed (%s); retrying in %.2f s",
                    method, path, attempt, type(error).__name__, delay,
                )  # fmt: skip
                await self.retry.sleep(delay)

    def _check_deadline(
        self, wait: _Wait, delay: float, method: str, path: str, retry_after: float | None = None
    ) -> None:
        """Give up with :class:`StoreBusyError` when waiting ``delay`` more passes the
        deadline; else tell the caller's listener that we still wait for a turn."""
        deadline = self.retry.wait_deadline
        if wait.seconds + delay > deadline:
            raise StoreBusyError(
                f"{wait.seconds:.0f} s", retry_after=retry_after, method=method, path=path
            )
        report_wait(
            wait.seconds, deadline, "Waiting for a turn in the store's Order Desk allowance"
        )

    async def _acquire(self, wait: _Wait, method: str, path: str) -> None:
        """Take a token from the store's bucket, waiting at most until the deadline and
        reporting the wait every second."""
        take = asyncio.ensure_future(self.limiter.acquire())
        try:
            while True:
                remaining = self.retry.wait_deadline - wait.seconds
                began = time.monotonic()
                done, _ = await asyncio.wait({take}, timeout=max(0.0, min(1.0, remaining)))
                wait.seconds += time.monotonic() - began
                if done:
                    take.result()
                    return
                self._check_deadline(wait, 0.0, method, path)
        finally:
            if not take.done():
                take.cancel()

    async def _send_once(
        self,
        http: httpx.AsyncClient,
        method: str,
        path: str,
        params: QueryParams | None,
        content: bytes | None,
        wait: _Wait,
    ) -> Envelope:
        import httpx

        headers = {"Content-Type": "application/json"} if content is not None else None
        if self.limiter.wait_time() <= 0 and not self.limiter.waiting:
            await self.limiter.acquire()
        else:
            await self._acquire(wait, method, path)
        started = time.perf_counter()
        try:
            response = await http.request(
                method, path, params=params, content=content, headers=headers
            )
        except httpx.TransportError as exc:
            raise self._network_error(exc, method, path) from None
        elapsed_ms = (time.perf_counter() - started) * 1000
        remaining = tokens_remaining(response.headers)
        pause = retry_after(response.headers) if response.status_code == 429 else None
        self.limiter.observe(remaining, pause)
        logger.debug(
            "Order Desk %s %s -> %d in %.0f ms, tokens remaining %s",
            method, path, response.status_code, elapsed_ms, remaining,
        )  # fmt: skip
        return read_envelope(response, method=method, path=path, secret=self._api_key)

    def _network_error(self, exc: httpx.TransportError, method: str, path: str) -> NetworkError:
        import httpx

        never_sent = _never_sent(exc)
        detail = redact(str(exc) or type(exc).__name__, self._api_key)
        if isinstance(exc, httpx.TimeoutException):
            message = f"no answer in time ({type(exc).__name__}: {detail})"
            return RequestTimeout(message, request_sent=not never_sent, method=method, path=path)
        message = f"connection problem ({type(exc).__name__}: {detail})"
        return NetworkError(message, request_sent=not never_sent, method=method, path=path)
