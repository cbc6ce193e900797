"""Turns one HTTP request into one reply: auth, faults, rate limit, routing, envelope.

Kept free of sockets so the whole request path can be read (and tested) in one place; the
server module only moves bytes.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from app.sandbox.call import Call
from app.sandbox.errors import ApiError, bad_request
from app.sandbox.faults import Fault, FaultBook
from app.sandbox.routes import resolve
from app.sandbox.store import SandboxStore

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v2"
METHODS = ("GET", "POST", "PUT", "DELETE")
BROKEN_JSON = b'{"status":"success","execution_time":"0.0100 seconds","orders":[{"id":"'


@dataclass
class Reply:
    """What to send back; ``body`` None means close the connection without an answer."""

    status: int
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)


class Dispatcher:
    """Answers requests for a set of stores, applying faults and each store's bucket."""

    def __init__(
        self, stores: Mapping[str, SandboxStore], faults: FaultBook, stopping: threading.Event
    ) -> None:
        self._stores = stores
        self._faults = faults
        self._stopping = stopping

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Answer one request; never raises (a bug becomes a logged 500).

        Args:
            method: HTTP method.
            target: Request target (path and query).
            headers: Request headers with UPPER-CASE names.
            body: Raw request body.
        """
        started = time.perf_counter()
        try:
            return self._handle(method.upper(), target, headers, body, started)
        except Exception:
            logger.exception("sandbox failed on %s %s", method, target)
            return _error_reply(500, "Internal sandbox error", started)

    def _handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, started: float
    ) -> Reply:
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            return _error_reply(404, f"Unknown endpoint {path}", started)
        store = self._authenticate(headers)
        if store is None:
            return _error_reply(401, "Invalid store id or API key", started)
        path = path.removeprefix(API_PREFIX) or "/"
        store.count_request(method, path)
        fault = self._faults.take(method, path, store.store_id)
        if fault is not None:
            early = self._early_fault(fault, store, started)
            if early is not None:
                return early
        answer = store.bucket.take()
        if not answer.allowed:
            reply = _error_reply(429, "Too Many Requests: the store's API bucket is empty", started)
            reply.headers.update(
                {"X-Tokens-Remaining": "0", "X-Retry-After": str(answer.retry_after)}
            )
            return reply
        query = {key: values[-1] for key, values in parse_qs(parts.query, True).items()}
        reply = self._route(store, method, path, query, body, fault, started)
        reply.headers["X-Tokens-Remaining"] = str(answer.remaining)
        return reply

    def _authenticate(self, headers: Mapping[str, str]) -> SandboxStore | None:
        store = self._stores.get((headers.get("ORDERDESK-STORE-ID") or "").strip())
        key = (headers.get("ORDERDESK-API-KEY") or "").strip()
        if store is None or not hmac.compare_digest(key.encode(), store.spec.api_key.encode()):
            return None
        return store

    def _early_fault(self, fault: Fault, store: SandboxStore, started: float) -> Reply | None:
        remaining = {"X-Tokens-Remaining": str(store.bucket.remaining())}
        if fault.kind == "drop":
            return Reply(0, None)
        if fault.kind == "invalid_json":
            body = BROKEN_JSON if fault.body is None else fault.body.encode()
            return Reply(fault.http_status, body, remaining)
        if fault.kind == "status":
            reply = _error_reply(fault.http_status, f"Injected error {fault.http_status}", started)
            reply.headers.update(remaining)
            retry_after = fault.retry_after
            if retry_after is None and fault.http_status == 429:
                retry_after = 1
            if retry_after is not None:
                reply.headers["X-Retry-After"] = str(retry_after)
            return reply
        if fault.kind == "delay":
            self._stopping.wait(fault.seconds)
        return None

    def _route(
        self,
        store: SandboxStore,
        method: str,
        path: str,
        query: dict[str, str],
        body: bytes,
        fault: Fault | None,
        started: float,
    ) -> Reply:
        try:
            if method not in METHODS:
                raise ApiError(405, f"Method {method} is not supported by the Order Desk API")
            handler, params = resolve(method, path)
            if method == "GET" and body.strip():
                raise bad_request("GET requests must not have a body")
            with store.lock:
                payload = handler(Call(store, query, body, params))
                encoded = _encode({"status": "success", **_timing(started), **payload})
                if fault is not None and fault.kind == "concurrent_edit":
                    _edit_after(store, fault, params)
            if fault is not None and fault.kind == "lost_reply":
                return Reply(0, None)
            return Reply(200, encoded)
        except ApiError as error:
            return _error_reply(error.status, error.message, started)


def _edit_after(store: SandboxStore, fault: Fault, params: dict[str, str]) -> None:
    order_id = fault.order_id or params.get("order_id")
    if order_id is None or order_id not in store.rows:
        logger.warning("concurrent_edit fault found no order to edit (%s)", order_id)
        return
    store.edit_order(order_id, fault.changes or {})


def _timing(started: float) -> dict[str, str]:
    return {"execution_time": f"{time.perf_counter() - started:.4f} seconds"}


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def _error_reply(status: int, message: str, started: float) -> Reply:
    return Reply(status, _encode({"status": "error", **_timing(started), "message": message}))
