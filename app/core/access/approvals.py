"""Approval of AI writes: the client's policy decides, or the person at the tray does.

:class:`ApprovalQueue` lives on the engine loop. A write asks :meth:`ApprovalQueue.request`;
policy ``allow`` approves and ``deny`` denies at once. Policy ``ask`` publishes
``approval.requested`` on the event hub and waits for an attached approver (the GUI) to call
:meth:`ApprovalQueue.decide`; nobody deciding in time denies, and with no approver attached
(headless) it is denied at once. Pure asyncio: no Qt here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from app.core.access.identity import ClientIdentity, Policy
from app.core.engine import any_thread
from app.core.events import APPROVAL_DECIDED, APPROVAL_REQUESTED, Event, EventHub

log = logging.getLogger(__name__)

"""Event kind published when a pending request is settled; data: ``request_id``, ``approved``."""

DEFAULT_TIMEOUT = 60.0


class DiffItem(Protocol):
    """One field change of a diff; :class:`app.core.services.FieldChange` also fits."""

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"field": ..., "before": ..., "after": ...}``."""
        ...


@dataclass(frozen=True)
class FieldChange:
    """One field a write would change, as shown in the approval prompt.

    Attributes:
        field: What changes, e.g. ``folder`` or ``shipping.city``.
        before: The value now (a folder's name, not its id, for moves).
        after: The value after the write.
        subject: Which record it belongs to, as a person names it (:func:`order_label`);
            empty when the request's target says it. Equal (field, after) pairs of several
            subjects are shown as one group ("30 orders → Cancelled").
    """

    field: str
    before: object
    after: object
    subject: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"field": ..., "before": ..., "after": ..., "subject": ...}``."""
        return {
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "subject": self.subject,
        }


def order_label(order: Mapping[str, Any]) -> str:
    """Name an order as its merchant does: its number and customer, e.g. ``#1001 · Jane Roe``.

    The number is the cart's order number (``source_id``); without one, Order Desk's id. The
    customer is the billing name, else the shipping name or company.
    """
    number = str(order.get("source_id") or "").strip()
    label = f"#{number}" if number else f"Order Desk #{order.get('id')}"
    for key in ("customer", "shipping"):
        name = _person(order.get(key))
        if name:
            return f"{label} · {name}"
    return label


def _person(address: object) -> str:
    if not isinstance(address, Mapping):
        return ""
    first, last = (str(address.get(k) or "").strip() for k in ("first_name", "last_name"))
    return (
        " ".join(part for part in (first, last) if part)
        or str(address.get("company") or "").strip()
    )


@dataclass(frozen=True)
class ApprovalRequest:
    """A write waiting for a yes or no.

    Attributes:
        client: Who wants to write.
        store: Name of the store it concerns.
        action: What kind of write, e.g. ``"orders_move"``.
        target: What it changes, e.g. ``"order 12345"``.
        diff: The exact field changes (:class:`FieldChange` or the services' diff items).
        summary: One sentence for the prompt.
        store_id: Our id of the store, if known.
        request_id: A unique id; :meth:`ApprovalQueue.decide` takes it.
    """

    client: ClientIdentity
    store: str
    action: str
    target: str
    diff: Sequence[DiffItem]
    summary: str
    store_id: int | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def event_data(self) -> dict[str, object]:
        """The details published with ``approval.requested`` (plain, JSON-like values)."""
        return {
            "request_id": self.request_id,
            "client": self.client.name,
            "store": self.store,
            "action": self.action,
            "target": self.target,
            "summary": self.summary,
            "diff": tuple(change.as_dict() for change in self.diff),
        }


class DecidedBy(StrEnum):
    """What settled a request."""

    POLICY = "policy"
    USER = "user"
    TIMEOUT = "timeout"
    NO_APPROVER = "no-approver"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Decision:
    """The answer to an :class:`ApprovalRequest`; ``reason`` is a sentence for the model."""

    request_id: str
    approved: bool
    by: DecidedBy
    reason: str


@dataclass(frozen=True)
class PendingApproval:
    """A request the user has not answered yet, and when it will time out."""

    request: ApprovalRequest
    expires_at: datetime


@dataclass
class _Waiting:
    pending: PendingApproval
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Decision]


def _policy_decision(request: ApprovalRequest) -> Decision | None:
    policy, name = request.client.policy, request.client.name
    if policy is Policy.ALLOW:
        return Decision(request.request_id, True, DecidedBy.POLICY, "Allowed by policy.")
    if policy is Policy.DENY:
        return Decision(
            request.request_id,
            False,
            DecidedBy.POLICY,
            f"Client '{name}' has the write policy 'deny', so nothing was changed. "
            "Ask the user to change this client's policy if the change is wanted.",
        )
    return None


def _headless_decision(request: ApprovalRequest) -> Decision:
    return Decision(
        request.request_id,
        False,
        DecidedBy.NO_APPROVER,
        "This client's policy is 'ask' and no tray is running to approve it, so the change "
        "was denied and nothing was changed. Ask the user to start OrderDesk Tray and retry, "
        "or to set this client's policy to 'allow'.",
    )


def _user_decision(request_id: str, approve: bool) -> Decision:
    if approve:
        return Decision(request_id, True, DecidedBy.USER, "Approved by the user.")
    return Decision(
        request_id,
        False,
        DecidedBy.USER,
        "The user declined this change in the tray; nothing was changed. "
        "Do not retry it unless the user asks.",
    )


def _timeout_decision(request_id: str, timeout: float) -> Decision:
    return Decision(
        request_id,
        False,
        DecidedBy.TIMEOUT,
        f"Nobody approved this change in the tray within {timeout:g} s, so it was denied and "
        "nothing was changed. Ask the user to watch for the approval and try again.",
    )


class ApprovalQueue:
    """Decides AI writes by policy or by asking the person at the tray.

    Args:
        hub: Where ``approval.requested`` and ``approval.decided`` are published.
        timeout: Seconds an ``ask`` request waits before it is denied.
    """

    def __init__(self, hub: EventHub | None = None, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._hub = hub
        self.timeout = timeout
        self._lock = threading.Lock()
        self._approvers = 0
        self._waiting: dict[str, _Waiting] = {}

    @property
    def has_approver(self) -> bool:
        """True while at least one approver (a tray) is attached."""
        with self._lock:
            return self._approvers > 0

    @any_thread
    def attach_approver(self) -> Callable[[], None]:
        """Declare that someone answers ``approval.requested``; returns a detach function.

        Detaching the last approver denies every pending request (nobody is left to answer).
        Safe from any thread.
        """
        with self._lock:
            self._approvers += 1
        detached = False

        def detach() -> None:
            nonlocal detached
            with self._lock:
                if detached:
                    return
                detached = True
                self._approvers -= 1
                orphans = [] if self._approvers else list(self._waiting.values())
            for waiting in orphans:
                self._settle(waiting, _headless_decision(waiting.pending.request))

        return detach

    def pending(self) -> list[PendingApproval]:
        """Return the requests waiting for an answer, oldest first."""
        with self._lock:
            return [w.pending for w in self._waiting.values()]

    async def request(self, request: ApprovalRequest) -> Decision:
        """Decide ``request``: by policy, by the user, or deny on timeout or with no tray."""
        decision = _policy_decision(request)
        if decision is None and not self.has_approver:
            decision = _headless_decision(request)
        if decision is None:
            decision = await self._ask(request)
        log.info(
            "approval %s for %s %s by %s: %s",
            request.request_id,
            request.client.name,
            request.action,
            decision.by.value,
            "approved" if decision.approved else "denied",
        )
        return decision

    async def _ask(self, request: ApprovalRequest) -> Decision:
        loop = asyncio.get_running_loop()
        expires = datetime.now(UTC) + timedelta(seconds=self.timeout)
        waiting = _Waiting(PendingApproval(request, expires), loop, loop.create_future())
        with self._lock:
            self._waiting[request.request_id] = waiting
        self._publish(Event.of(APPROVAL_REQUESTED, _store_key(request), **request.event_data()))
        try:
            return await asyncio.wait_for(asyncio.shield(waiting.future), self.timeout)
        except TimeoutError:
            if self._settle(waiting, _timeout_decision(request.request_id, self.timeout)):
                return waiting.future.result()
            return await waiting.future  # an answer arrived at the same moment: it wins
        finally:
            cancelled = Decision(
                request.request_id, False, DecidedBy.CANCELLED, "The request was cancelled."
            )
            self._settle(waiting, cancelled)

    def decide(self, request_id: str, approve: bool) -> bool:
        """Answer a pending request; safe from any thread (the GUI calls it).

        Returns:
            False when no such request is pending (already decided or timed out).
        """
        with self._lock:
            waiting = self._waiting.get(request_id)
        if waiting is None:
            return False
        return self._settle(waiting, _user_decision(request_id, approve))

    async def answer(self, request_id: str, approve: bool) -> bool:
        """:meth:`decide` as a service call (the GUI's engine proxy awaits it)."""
        return self.decide(request_id, approve)

    def _settle(self, waiting: _Waiting, decision: Decision) -> bool:
        """Resolve ``waiting`` with ``decision`` unless something settled it first."""
        with self._lock:
            if self._waiting.pop(decision.request_id, None) is None:
                return False

        def resolve() -> None:
            if not waiting.future.done():
                waiting.future.set_result(decision)

        if _on_loop(waiting.loop):
            resolve()
        elif not waiting.loop.is_closed():
            waiting.loop.call_soon_threadsafe(resolve)
        self._publish(
            Event.of(
                APPROVAL_DECIDED,
                _store_key(waiting.pending.request),
                request_id=decision.request_id,
                approved=decision.approved,
                by=decision.by.value,
            )
        )
        return True

    def _publish(self, event: Event) -> None:
        if self._hub is not None:
            self._hub.publish(event)


def _store_key(request: ApprovalRequest) -> str | None:
    return None if request.store_id is None else str(request.store_id)


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False
