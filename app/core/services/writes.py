"""Exactly-once writes on top of the write ledger (docs/architecture.md, "Writes").

:meth:`WriteRunner.run` is the one path of every Order Desk write the services make:

1. Reconcile first: open ledger rows for the same target or the same write (``unknown``, or
   ``in_flight`` from a process that died) are settled by reading Order Desk with the verifier
   registered for their action; the row says what was verified.
2. A write identical to one that is still in flight in this process waits for it; one in flight
   in another live process, or whose outcome could not be verified, is refused
   (:class:`WriteInDoubt`). A repeat of an identical write applied within the duplicate window
   returns the first result (:class:`AlreadyApplied`) when the write is not idempotent.
3. The intent row is committed; if it cannot be, nothing is sent (:class:`WriteNotRecorded`).
4. The HTTP write and the completion of its row run in their own task, shielded from the
   caller's cancellation (an MCP client's ``notifications/cancelled``): a write that was sent is
   always finished and recorded, and the retry sees it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Generic, TypeVar

import peewee as pw

from app.core.db.models import utc_now
from app.core.events import ACTIVITY_RECORDED, Event, EventHub
from app.core.orderdesk import OrderDeskError
from app.core.orderdesk.retry import may_have_reached_server
from app.core.services.audit import OK, AuditEntry, outcome_of
from app.core.services.errors import (
    AlreadyApplied,
    DuplicateWriteError,
    ServiceError,
    WriteDenied,
    WriteInDoubt,
    WriteNotRecorded,
)
from app.core.services.ledger import (
    APPLIED,
    DENIED,
    IN_FLIGHT,
    REFUSED,
    UNKNOWN,
    Verdict,
    WriteLedger,
    dead_rows,
    idem_key,
)
from app.core.services.records import StoreRecord

log = logging.getLogger(__name__)

T = TypeVar("T")
NO_CHANGE = "no change: it already had these values, so nothing was sent"
SUPERSEDED = frozenset({"order.move"})
"""Writes whose effect a later write of the same kind to the same target undoes: a repeat
after such a write is sent again instead of being answered from the record."""
COMPLETE_TRIES = 60
"""Seconds (one try each) a write's outcome is retried while the database stays busy."""


Verifier = Callable[[AuditEntry, StoreRecord], Awaitable[Verdict]]
StoreLookup = Callable[[int], Awaitable[StoreRecord | None]]


@dataclass(frozen=True)
class Write(Generic[T]):
    """One write to send through :meth:`WriteRunner.run`.

    Attributes:
        actor: Who writes (``gui``, ``mcp:<client>``).
        store: The store written to.
        action: Ledger action, e.g. ``shipment.add``.
        target: Ledger target (``order:123``), or made from the result (a create).
        change: What the write asks for (stored as the intent).
        send: Performs the HTTP write.
        after: Turns the result into the ``after`` snapshot.
        before: Snapshot before the write, if known before sending.
        content: What makes two writes identical (default: ``change``).
        replay: Rebuilds the first result from an applied row; None when the write is
            idempotent and an identical repeat is simply run again.
        what: How sentences name the write ("shipment 1Z999 on order 123").
        done: How a replay names the first result (``"shipment 7000599"``), from its row.
        before_of: The ``before`` snapshot known only after sending (an update's GET).
        window_of: An update's measured GET→PUT window in ms, from the result.
        already: How a replay starts ("Already added", "Already moved").
        unchanged: True for a result that needed no request (an update to the values the
            record already had); its row says so.
        batch: The bulk job this write is one order of (its rows share the id).
    """

    actor: str
    store: StoreRecord
    action: str
    target: str | Callable[[T], str]
    change: Any
    send: Callable[[], Awaitable[T]]
    after: Callable[[T], Any]
    before: Any = None
    content: Any = None
    replay: Callable[[AuditEntry], T] | None = None
    what: str = ""
    done: Callable[[AuditEntry], str] | None = None
    before_of: Callable[[T], Any] | None = None
    window_of: Callable[[T], float | None] | None = None
    already: str = "Already added"
    unchanged: Callable[[T], bool] | None = None
    batch: str | None = None

    @property
    def fixed_target(self) -> str | None:
        """The target when it is known before sending."""
        return self.target if isinstance(self.target, str) else None

    def key(self) -> str:
        """The idempotency key (store, action, target and content)."""
        content = self.change if self.content is None else self.content
        return idem_key(self.store.key, self.action, self.fixed_target, content)


@dataclass
class WriteRunner:
    """Runs writes exactly once (see the module docstring); one per app, on the engine loop.

    Args:
        ledger: The ledger rows.
        window: Seconds an applied non-idempotent write is answered from the ledger.
        stores: Finds a store by our id (for reconciling rows of any store).
        hub: Where ``activity.recorded`` is published for rows that change no order (failed,
            refused, reconciled), so the Activity window shows them at once.
    """

    ledger: WriteLedger
    window: float
    stores: StoreLookup | None = None
    hub: EventHub | None = None
    verifiers: dict[str, Verifier] = field(default_factory=dict)
    _running: dict[str, asyncio.Task[Any]] = field(default_factory=dict)
    _later: set[asyncio.Task[Any]] = field(default_factory=set)

    def register_verifier(self, action: str, verifier: Verifier) -> None:
        """Let reconciliation check rows of ``action`` with ``verifier(entry, store)``."""
        self.verifiers[action] = verifier

    async def run(self, write: Write[T]) -> tuple[T, AuditEntry]:
        """Send ``write`` exactly once and record it; return its result and ledger row.

        Raises:
            AlreadyApplied: An identical write was applied moments ago (nothing sent).
            WriteInDoubt: An identical write is in flight elsewhere or its outcome is open.
            WriteNotRecorded: The intent could not be committed (nothing sent).
            OrderDeskError, ServiceError: The write failed (recorded as such).
        """
        key = write.key()
        while True:
            running = self._running.get(key)
            if running is not None:
                log.info("identical %s in flight here; waiting for it", write.action)
                await asyncio.wait([running])
            await self._reconcile_before(write, key)
            if key not in self._running:  # nothing identical started while we read
                break
        try:
            self._refuse_open(write, key)
            if write.replay is not None:
                self._replay(write, key)
        except DuplicateWriteError as error:
            self._record_refusal(write, key, error)
            raise
        entry = self.ledger.begin(
            actor=write.actor, store_id=write.store.id, action=write.action,
            target=write.fixed_target, change=write.change, key=key, before=write.before,
            batch=write.batch,
        )  # fmt: skip
        task = asyncio.get_running_loop().create_task(self._send(write, entry))
        self._running[key] = task
        task.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(task)

    def _record_refusal(self, write: Write[T], key: str, error: DuplicateWriteError) -> None:
        """Record a repeat that was answered without sending (best effort)."""
        try:
            row = self.ledger.record(
                actor=write.actor, store_id=write.store.id, action=write.action,
                target=write.fixed_target, state=REFUSED, outcome=outcome_of(error, True),
                change=write.change, key=key, batch=write.batch,
            )  # fmt: skip
        except WriteNotRecorded:
            log.warning("could not record the refused repeat of %s", write.action)
            return
        self._recorded(row.id)

    def _recorded(self, entry_id: int) -> None:
        if self.hub is not None:
            self.hub.publish(Event.of(ACTIVITY_RECORDED, None, id=entry_id))

    def _forget(self, key: str, task: asyncio.Task[Any]) -> None:
        if self._running.get(key) is task:
            del self._running[key]
        if not task.cancelled():
            task.exception()  # retrieved: the caller may have been cancelled meanwhile

    async def _send(self, write: Write[T], entry: AuditEntry) -> tuple[T, AuditEntry]:
        try:
            result = await write.send()
        except (OrderDeskError, ServiceError) as error:
            state = UNKNOWN if _may_have_applied(error) else REFUSED
            state = DENIED if isinstance(error, WriteDenied) else state
            outcome = outcome_of(error, isinstance(error, DuplicateWriteError))
            self._finish(entry, state, outcome, {"after": write.change})
            raise
        except BaseException as error:
            outcome = f"interrupted: {type(error).__name__}"
            self._finish(entry, UNKNOWN, outcome, {"after": write.change})
            raise
        same = write.unchanged is not None and write.unchanged(result)
        done = self._finish(
            entry, APPLIED, NO_CHANGE if same else OK, {
                "target": write.fixed_target or write.target(result),  # type: ignore[operator]
                "before": write.before_of(result) if write.before_of else None,
                "after": write.after(result),
                "window_ms": write.window_of(result) if write.window_of else None,
            },
        )  # fmt: skip
        return result, done

    def _finish(
        self, entry: AuditEntry, state: str, outcome: str, fields: dict[str, Any]
    ) -> AuditEntry:
        """Complete a row; while the database is busy, keep trying in the background (the
        write itself is done, so its caller is not kept waiting)."""
        try:
            done = self.ledger.complete(entry.id, state, outcome, **fields)
        except pw.OperationalError as error:
            log.warning("ledger row #%d not completed yet (%s); retrying", entry.id, error)
            task = asyncio.get_running_loop().create_task(
                self._finish_later(entry.id, state, outcome, fields)
            )
            self._later.add(task)
            task.add_done_callback(self._later.discard)
            return replace(entry, state=state, outcome=outcome)
        if state != APPLIED:  # an applied write publishes its order's own event
            self._recorded(entry.id)
        return done

    async def _finish_later(
        self, entry_id: int, state: str, outcome: str, fields: dict[str, Any]
    ) -> None:
        for _ in range(COMPLETE_TRIES):
            await asyncio.sleep(1.0)
            try:
                self.ledger.complete(entry_id, state, outcome, **fields)
            except pw.OperationalError:
                continue
            self._recorded(entry_id)
            return
        log.error("ledger row #%d stays in flight: the database stayed busy", entry_id)

    async def _reconcile_before(self, write: Write[T], key: str) -> None:
        rows = {row.id: row for row in self.ledger.open_rows(key=key)}
        if write.fixed_target is not None:
            found = self.ledger.open_rows(target=write.fixed_target, store_id=write.store.id)
            rows.update({row.id: row for row in found})
        await self.reconcile(dead_rows(self.ledger, list(rows.values())))

    def _refuse_open(self, write: Write[T], key: str) -> None:
        for row in self.ledger.open_rows(key=key):
            if row.state == IN_FLIGHT and row.owner == self.ledger.owner:
                raise WriteInDoubt(
                    f"Refused: an identical write ({write.what or write.action}, activity"
                    f" #{row.id}) was sent moments ago and its outcome is not recorded yet (the"
                    " app's database is busy); nothing was sent. Try again in a minute."
                )
            if row.state == IN_FLIGHT:
                raise WriteInDoubt(
                    f"Refused: an identical write ({write.what or write.action}) is being sent"
                    f" right now by another OrderDesk Tray process (activity #{row.id});"
                    " nothing was sent. Wait a few seconds and check before trying again."
                )
            raise WriteInDoubt(
                f"Refused: an identical write ({write.what or write.action}, activity #{row.id})"
                " may have reached Order Desk, and Order Desk could not be read to check it;"
                " nothing was sent. Try again in a moment (it is checked first)."
            )

    def _replay(self, write: Write[T], key: str) -> None:
        assert write.replay is not None
        since = utc_now() - timedelta(seconds=self.window)
        first = self.ledger.last_applied(key, since) if self.window > 0 else None
        if first is None:
            return
        if write.action in SUPERSEDED and self.ledger.written_since(first):
            return  # e.g. moved back since: the repeat is a new move, not a retry
        name = write.done(first) if write.done else write.what or write.action
        ago = (utc_now() - (first.completed_at or first.at)).total_seconds()
        asked = f"{write.what}, " if write.what and write.what != name else ""
        raise AlreadyApplied(
            f"{write.already}: {name} ({asked}activity #{first.id}, {ago:.0f} s ago);"
            f" identical writes within {self.window:g} s are answered from the record, so"
            " nothing was sent again. If it is really wanted twice, wait and try again.",
            first.id,
            write.replay(first),
        )

    def refuse_recent(
        self, store: StoreRecord, action: str, target: str, content: Any, what: str
    ) -> None:
        """Refuse when an ``action`` write with ``content`` on ``target`` was applied within the
        window or is still open (a batch repeating a single write).

        Raises:
            DuplicateWriteError: It was.
        """
        key = idem_key(store.key, action, target, content)
        since = utc_now() - timedelta(seconds=self.window)
        first = self.ledger.last_applied(key, since) if self.window > 0 else None
        open_rows = self.ledger.open_rows(key=key)
        if first is not None or open_rows or key in self._running:
            row = first.id if first is not None else open_rows[0].id if open_rows else "?"
            raise DuplicateWriteError(
                f"Refused: {what} was already sent moments ago (activity #{row}); nothing was"
                " sent. Check the order, and if it is really wanted twice, wait and try again."
            )

    async def reconcile(self, rows: list[AuditEntry]) -> list[AuditEntry]:
        """Settle open rows by reading Order Desk; return the rows as recorded now.

        A row whose store is gone or whose action has no verifier becomes ``unknown`` with a
        sentence saying it could not be checked; a row whose read failed stays open.
        """
        settled = []
        for row in rows:
            verdict = await self._verdict(row)
            if verdict is None:
                continue
            log.info("reconciled activity #%d (%s): %s", row.id, verdict.state, verdict.verified)
            try:
                done = self.ledger.complete(
                    row.id, verdict.state, _outcome(verdict, row), target=verdict.target,
                    after=verdict.after, verified=verdict.verified,
                )  # fmt: skip
            except pw.OperationalError as error:
                log.warning("could not record the reconciliation of #%d: %s", row.id, error)
                continue
            settled.append(done)
            self._recorded(done.id)
        return settled

    async def _verdict(self, row: AuditEntry) -> Verdict | None:
        verifier = self.verifiers.get(row.action)
        store = None
        if row.store_id is not None and self.stores is not None:
            store = await self.stores(row.store_id)
        if verifier is None or store is None:
            why = "its store is no longer registered" if verifier else "it has no automatic check"
            return Verdict(UNKNOWN, f"could not be checked ({why}); look at it in Order Desk")
        try:
            return await verifier(row, store)
        except OrderDeskError as error:
            log.warning("could not reconcile activity #%d yet: %s", row.id, error)
            return None

    async def reconcile_open(self) -> list[AuditEntry]:
        """Reconcile every open row whose process died (start-up; the tray and ``serve``)."""
        return await self.reconcile(dead_rows(self.ledger, self.ledger.open_rows()))


def _outcome(verdict: Verdict, row: AuditEntry) -> str:
    if verdict.state == APPLIED:
        return OK
    if verdict.state == REFUSED:
        return "not applied (verified)"
    return row.outcome if row.state == UNKNOWN else "unknown: the process sending it stopped"


def _may_have_applied(error: Exception) -> bool:
    """True when a failed write may still have taken effect at Order Desk."""
    if not isinstance(error, OrderDeskError):
        return False
    if error.may_have_applied:
        return True
    return error.method in ("POST", "PUT", "DELETE") and may_have_reached_server(error)
