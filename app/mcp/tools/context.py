"""The app-wide objects tools use, and the per-call context a handler receives."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from app.core.access.approvals import (
    ApprovalRequest,
    DecidedBy,
    Decision,
    FieldChange,
    order_label,
)
from app.core.access.identity import ClientIdentity, Policy
from app.core.access.limits import ClientLimits
from app.core.access.registry import ClientRegistry
from app.core.events import ACTIVITY_RECORDED, Event, EventHub
from app.core.services.records import StoreRecord
from app.mcp.progress import APPROVAL_WAIT, while_waiting
from app.mcp.tools.base import ToolError
from app.mcp.transport.session import SessionState

if TYPE_CHECKING:
    from app.core.access.approvals import ApprovalQueue
    from app.core.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class McpContext:
    """Everything the MCP server needs from the engine, built once per engine.

    Attributes:
        services: The store, order, inventory and audit services (shared with the GUI).
        approvals: Where writes under the "ask" policy wait for the user.
        limits: Per-client call and write limits and the "pause MCP" switch.
        hub: The engine's event hub.
        registry: Where each call reads its client's current policy, scopes and stores.
    """

    services: Services
    approvals: ApprovalQueue
    limits: ClientLimits
    hub: EventHub
    registry: ClientRegistry = field(default_factory=ClientRegistry)


def refresh_identity(app: McpContext, session: SessionState) -> None:
    """Give ``session`` its client's current identity, so a changed policy applies at once.

    Called before each tool call and resource read; anonymous sessions stay anonymous.

    Raises:
        AuthenticationError: The client's token was revoked meanwhile.
    """
    identity = session.identity
    if isinstance(identity, ClientIdentity):
        session.identity = app.registry.current(identity)


@dataclass(frozen=True)
class Call:
    """One tool call: the app, the session that made it and the store it works on.

    Attributes:
        app: The app-wide objects.
        session: The calling session (identity, active store).
        tool: The tool's name.
        store_record: The store the call works on; None for store-less tools.
    """

    app: McpContext
    session: SessionState
    tool: str
    store_record: StoreRecord | None

    @property
    def identity(self) -> ClientIdentity:
        """The authenticated client."""
        identity: ClientIdentity = self.session.identity
        return identity

    @property
    def actor(self) -> str:
        """Who the audit log names for writes made by this call."""
        return f"mcp:{self.identity.name}"

    @property
    def store(self) -> StoreRecord:
        """The store of a store-scoped tool (always set for those)."""
        if self.store_record is None:
            raise RuntimeError(f"{self.tool} is not a store-scoped tool")
        return self.store_record

    @property
    def store_id(self) -> int | None:
        """Our id of the call's store, if it has one."""
        return None if self.store_record is None else self.store_record.id

    @property
    def asks_person(self) -> bool:
        """True when this call's writes wait for the person at the tray (policy ``ask``).

        Tools look up what only a person needs (order numbers, customer and folder names)
        only then, so ``allow`` and ``deny`` spend no requests on it.
        """
        return self.identity.policy is Policy.ASK and self.app.approvals.has_approver

    async def approve(
        self,
        target: str,
        summary: str,
        diff: Sequence[FieldChange] = (),
        store_name: str | None = None,
        order_id: str | None = None,
    ) -> None:
        """Put this write before the client's policy (and maybe the user); raise when denied.

        A denial (by policy, by the user, on timeout, with no tray) is recorded in the activity
        log beside the applied writes.

        Args:
            target: What the write changes, e.g. ``order #1001 · Jane Roe``.
            summary: One sentence describing the change for the approval prompt.
            diff: The exact field changes.
            store_name: The store's name when the call has no store id (registering one).
            order_id: The one order the write concerns: when a person will see the prompt,
                ``order <id>`` in ``target`` and ``summary`` becomes the order's number and
                customer (one cached read), and the changes are marked as that order's.

        Raises:
            ToolError: The write was denied; the message says why and what to do.
        """
        if store_name is None:
            store_name = self.store.name
        if order_id is not None and self.asks_person:
            target, summary, diff = await self._name_order(order_id, target, summary, diff)
        request = ApprovalRequest(
            client=self.identity,
            store=store_name,
            action=self.tool,
            target=target,
            diff=tuple(diff),
            summary=summary,
            store_id=self.store_id,
        )
        decision = await self._decide(request)
        if not decision.approved:
            record_denial(self.app.services, self.app.hub, self.actor, request, decision)
            raise ToolError(decision.reason)

    async def _decide(self, request: ApprovalRequest) -> Decision:
        """The approval's decision; while a person is asked, the client hears progress."""
        queue = self.app.approvals
        if not self.asks_person:
            return await queue.request(request)
        return await while_waiting(queue.request(request), APPROVAL_WAIT, queue.timeout)

    async def _name_order(
        self, order_id: str, target: str, summary: str, diff: Sequence[FieldChange]
    ) -> tuple[str, str, list[FieldChange]]:
        """Name the order as a person knows it (an unreadable order keeps its id)."""
        try:
            order = await self.app.services.orders.get(self.store, order_id)
        except Exception:
            log.debug("order %s not readable for the approval prompt", order_id, exc_info=True)
            return target, summary, list(diff)
        label = order_label(order.raw)
        named = re.compile(rf"\border {re.escape(str(order_id))}\b")
        target, summary = (named.sub(f"order {label}", text) for text in (target, summary))
        return target, summary, [c if c.subject else replace(c, subject=label) for c in diff]


DENIED_OUTCOMES = {
    DecidedBy.POLICY: "denied: by the client's policy",
    DecidedBy.USER: "denied: by the user",
    DecidedBy.TIMEOUT: "denied: timed out waiting for approval",
    DecidedBy.NO_APPROVER: "denied: no tray to approve it",
    DecidedBy.CANCELLED: "denied: the client cancelled the request",
}


def record_denial(
    services: Services,
    hub: EventHub,
    actor: str,
    request: ApprovalRequest,
    decision: Decision,
) -> int | None:
    """Put a denied write in the write ledger, beside the applied ones (nothing was sent).

    Publishes ``activity.recorded`` so an open Activity window shows it at once. A failure
    to record (the database is busy) is logged and does not hide the denial from the client.

    Returns:
        The ledger entry's id, or None when it could not be recorded.
    """
    attempt = {
        "summary": request.summary,
        "changes": [change.as_dict() for change in request.diff],
    }
    try:
        entry = services.writes.ledger.record(
            actor=actor,
            store_id=request.store_id,
            action=request.action,
            target=request.target,
            state="denied",
            outcome=DENIED_OUTCOMES.get(decision.by, "denied"),
            change=attempt,
        )
    except Exception:
        log.exception("Could not record the denied %s in the activity log", request.action)
        return None
    hub.publish(Event.of(ACTIVITY_RECORDED, None, id=entry.id))
    return entry.id
