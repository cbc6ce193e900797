"""Fault injection: make matching requests fail, stall, drop or race with an edit."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["status", "delay", "drop", "lost_reply", "invalid_json", "concurrent_edit"]
KINDS = ("status", "delay", "drop", "lost_reply", "invalid_json", "concurrent_edit")
DEFAULT_STATUS = {"status": 503, "invalid_json": 200}


@dataclass(kw_only=True)
class Fault:
    """A fault that fires on the next ``times`` requests matching ``method`` and ``path``.

    ``path`` is an ``fnmatch`` pattern on the path below ``/api/v2`` (``/orders/*``; ``*`` also
    matches ``/``; the ``/api/v2`` prefix may be included). Kinds:

    * ``status``: answer ``status`` (default 503) with a JSON error; ``retry_after`` sets
      ``X-Retry-After`` (a 429 without it gets 1).
    * ``delay``: wait ``seconds`` and then answer normally (cut short when the server stops).
    * ``drop``: close the connection without any response (the request is not served).
    * ``lost_reply``: serve the request (a write takes effect), then close the connection
      without the response, as when a reply is lost on the way back.
    * ``invalid_json``: answer ``status`` (default 200) with a body that is not JSON
      (``body``, or a truncated JSON document).
    * ``concurrent_edit``: serve the request, then before the response is sent apply
      ``changes`` to ``order_id`` (default: the order id in the path) with ``edit_order``,
      as if someone edited the order in Order Desk right after the read.

    Attributes:
        fired: How many times the fault has fired so far.
    """

    kind: FaultKind = "status"
    method: str = "*"
    path: str = "*"
    times: int = 1
    status: int | None = None
    retry_after: int | None = None
    seconds: float = 0.0
    changes: dict[str, Any] | None = None
    order_id: str | None = None
    body: str | None = None
    store_id: str | None = None
    fired: int = field(default=0)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {KINDS}")
        if self.kind == "concurrent_edit" and not self.changes:
            raise ValueError("a concurrent_edit fault needs changes")
        self.path = self.path.removeprefix("/api/v2") or "/"

    @property
    def remaining(self) -> int:
        """How many more times the fault will fire."""
        return max(0, self.times - self.fired)

    @property
    def http_status(self) -> int:
        """The HTTP status a ``status`` or ``invalid_json`` fault answers with."""
        return self.status if self.status is not None else DEFAULT_STATUS.get(self.kind, 503)

    def matches(self, method: str, path: str, store_id: str) -> bool:
        """Return True when this fault applies to the request."""
        if self.remaining <= 0:
            return False
        if self.store_id is not None and self.store_id != store_id:
            return False
        if self.method not in ("*", "") and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)


class FaultBook:
    """The faults of one server; the first matching fault with shots left fires."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        """Register ``fault`` and return it."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str, store_id: str) -> Fault | None:
        """Return the fault that fires for this request (counting the shot), if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, store_id):
                    fault.fired += 1
                    return fault
        return None
