"""Requests answered on stdio before the MCP SDK is loaded: the stdlib side.

:class:`~app.mcp.transport.early.EarlyStdio` offers each request that arrives after its early
``initialize`` answer to a :data:`Responder` (``serve --stdio`` installs one that runs read-only
tool calls through the same dispatch code as the SDK's ``tools/call`` handler). A request the
responder takes is never handed to the SDK; everything else goes to the SDK in order. The
responder answers through an :class:`EarlyCall`: notifications for the request (progress, log
messages) and one final result. A ``notifications/cancelled`` for a call still running cancels
it, and a cancelled call is never answered, as the SDK does. Standard library only.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], None]
Cancel = Callable[[], object]
RequestKey = tuple[type, str | int]


class EarlyCall:
    """One request taken before the SDK runs: how its answer and notifications go out.

    Args:
        message: The request as read (a JSON-RPC object with ``id`` and ``method``).
        send: Queues one message for the client.
        done: Called once when the call is over (answered or cancelled).
    """

    def __init__(self, message: dict[str, Any], send: Send, done: Callable[[], None]) -> None:
        self.message = message
        self.request_id: str | int = message["id"]
        self._send, self._done = send, done
        self._lock = threading.Lock()
        self._over = False

    @property
    def params(self) -> dict[str, Any]:
        """The request's ``params`` (an object; empty when absent)."""
        params = self.message.get("params")
        return params if isinstance(params, dict) else {}

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a notification about this request, unless it is over."""
        with self._lock:
            if not self._over:
                message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
                if params is not None:
                    message["params"] = params
                self._send(message)

    def finish(self, result: dict[str, Any]) -> None:
        """Send the request's result, unless it was cancelled."""
        self._end({"result": result})

    def fail(self, message: str) -> None:
        """Answer the request with an error, as the SDK answers a handler that raised (code
        0), unless it was cancelled."""
        self._end({"error": {"code": 0, "message": message}})

    def _end(self, outcome: dict[str, Any]) -> None:
        with self._lock:
            if self._over:
                return
            self._over = True
            self._send({"jsonrpc": "2.0", "id": self.request_id, **outcome})
        self._done()

    def cancel(self) -> None:
        """The client cancelled the request: nothing more is sent for it."""
        with self._lock:
            if self._over:
                return
            self._over = True
        self._done()


Responder = Callable[[EarlyCall], "Cancel | None"]
"""Takes a request (returning how to cancel it) or declines it (None: the SDK answers it)."""


def request_key(request_id: object) -> RequestKey | None:
    """A request id as a dictionary key (``1`` and ``1.0`` and ``True`` stay apart)."""
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        return None
    return type(request_id), request_id


def parse(line: str) -> dict[str, Any] | None:
    """The JSON-RPC object on ``line``, or None when it is none."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    return message


def is_request(message: dict[str, Any]) -> bool:
    """True for a request (a method and a usable id) whose params, if any, are an object."""
    params = message.get("params", {})
    return (
        isinstance(message.get("method"), str)
        and request_key(message.get("id")) is not None
        and isinstance(params, dict)
    )


def cancelled_id(message: dict[str, Any]) -> RequestKey | None:
    """The request a ``notifications/cancelled`` names, if ``message`` is one."""
    if message.get("method") != "notifications/cancelled" or "id" in message:
        return None
    params = message.get("params")
    return request_key(params.get("requestId")) if isinstance(params, dict) else None


class EarlyCalls:
    """The requests taken early and still running, by id (thread-safe).

    Args:
        send: Queues one message for the client.
    """

    def __init__(self, send: Send) -> None:
        self._send = send
        self._running: dict[RequestKey, tuple[EarlyCall, Cancel]] = {}
        self._lock = threading.Condition()
        self.taken = 0
        """How many requests were answered (or are being answered) early."""

    def offer(self, responder: Responder, message: dict[str, Any]) -> bool:
        """Offer a request to ``responder``; True when it took it."""
        key = request_key(message.get("id"))
        if key is None or not is_request(message):
            return False
        with self._lock:
            if key in self._running:  # a duplicate id: the SDK answers it with its error
                return False
        call = EarlyCall(message, self._send, lambda: self._over(key))
        try:
            cancel = responder(call)
        except Exception:  # a bug must not stop the reader thread: the SDK answers instead
            log.exception("stdio: the early answer to %s failed", message.get("method"))
            return False
        if cancel is None:
            return False
        with self._lock:
            self.taken += 1
            if not call._over:
                self._running[key] = (call, cancel)
        return True

    def cancelled(self, message: dict[str, Any]) -> bool:
        """Apply a ``notifications/cancelled`` for an early call; True when it named one."""
        key = cancelled_id(message)
        with self._lock:
            entry = self._running.get(key) if key is not None else None
        if entry is None:
            return False
        call, cancel = entry
        call.cancel()
        cancel()
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` s) until no early call runs; True when none does."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._running, timeout)

    def _over(self, key: RequestKey) -> None:
        with self._lock:
            self._running.pop(key, None)
            self._lock.notify_all()
