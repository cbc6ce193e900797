"""The write ledger: every write to Order Desk, committed as an intent before it is sent.

It is the audit log (table ``audit_event``): one table, one truth. A write goes through
:meth:`WriteLedger.begin` (an ``in_flight`` row is committed — if that fails nothing is sent,
:class:`WriteNotRecorded`), then :meth:`WriteLedger.complete` with its state:

* ``applied``: Order Desk answered that it did it (or a reconciling read found it done);
* ``refused``: nothing changed (Order Desk said no, or the write was refused before sending);
* ``unknown``: it may or may not have happened (timeout, dropped connection, a process that
  died while the row was ``in_flight``) — until a reconciling read of Order Desk settles it;
* ``denied``: an AI write the policy or the person at the tray did not approve (or timed out).

``idem_key`` names identical writes (store, action, target and content, see :func:`idem_key`);
:mod:`app.core.services.writes` uses it so that a write whose outcome is open blocks an
identical one and a retry of an applied write gets the first result back. ``owner`` names the
process that sent the write, so another process can tell a live in-flight write from one whose
process died.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import peewee as pw

from app.core.db.models import AuditEvent, utc_now
from app.core.services.audit import AuditEntry, dump_json, entry_of
from app.core.services.errors import WriteNotRecorded

log = logging.getLogger(__name__)

IN_FLIGHT: Final = "in_flight"
APPLIED: Final = "applied"
REFUSED: Final = "refused"
UNKNOWN: Final = "unknown"
DENIED: Final = "denied"
STATES: Final = (IN_FLIGHT, APPLIED, REFUSED, UNKNOWN, DENIED)
OPEN_STATES: Final = (IN_FLIGHT, UNKNOWN)

STALE_AFTER = timedelta(minutes=15)
"""An in-flight row of another process older than this is treated as dead even if a process
with that pid exists (pid reuse; no request of ours runs that long)."""


def idem_key(store_key: str | None, action: str, target: str | None, content: Any) -> str:
    """The idempotency key of a write: a hash of where it goes and what it carries.

    Args:
        store_key: The store's key (``store.key``).
        action: E.g. ``shipment.add``.
        target: E.g. ``order:123``.
        content: What makes two writes identical (a tracking number, a note's text, a change
            set); must be JSON-serialisable (Decimal and dates become text).
    """
    text = json.dumps([store_key, action, target, content], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def this_process() -> str:
    """This process's owner tag: ``<pid>:<random>`` (made once per process)."""
    return _OWNER


_OWNER = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"


def process_alive(owner: str | None) -> bool:
    """True when the process that wrote ``owner`` may still run (this one always does)."""
    if owner is None:
        return False
    if owner == _OWNER:
        return True
    try:
        pid = int(owner.split(":", 1)[0])
    except ValueError:
        return False
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it there
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if sys.platform == "win32":
    import ctypes

    def _windows_process_alive(pid: int) -> bool:
        """OpenProcess + GetExitCodeProcess (STILL_ACTIVE); access denied counts as alive."""
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)


@dataclass(frozen=True)
class Verdict:
    """What a reconciling read of Order Desk found about a write whose outcome was open.

    Attributes:
        state: ``applied``, ``refused`` (it did not happen) or ``unknown`` (cannot tell).
        verified: One sentence saying what was read, e.g. "order 123 has shipment 7000599
            with tracking 1Z999".
        after: The record found (for an applied write), if any.
        target: The target, when only the read tells it (a create).
    """

    state: str
    verified: str
    after: Any = None
    target: str | None = None


class WriteLedger:
    """Reads and writes ledger rows (on the engine loop; each call is one short statement)."""

    def __init__(self, owner: str | None = None) -> None:
        self.owner = owner or this_process()

    def begin(
        self,
        *,
        actor: str,
        store_id: int | None,
        action: str,
        target: str | None,
        change: Any,
        key: str | None,
        before: Any = None,
        batch: str | None = None,
    ) -> AuditEntry:
        """Commit the intent row of a write about to be sent (``batch``: its bulk job).

        Raises:
            WriteNotRecorded: The row could not be committed (database busy or locked);
                the write must not be sent.
        """
        try:
            row = AuditEvent.create(
                actor=actor, store_id=store_id, action=action, target=target,
                before_json=dump_json(before), after_json=None, change_json=dump_json(change),
                outcome="in flight", state=IN_FLIGHT, idem_key=key, owner=self.owner,
                batch=batch,
            )  # fmt: skip
        except pw.OperationalError as error:
            log.warning("could not record the intent of %s on %s: %s", action, target, error)
            raise WriteNotRecorded(action, target) from error
        return entry_of(row)

    def complete(
        self,
        entry_id: int,
        state: str,
        outcome: str,
        *,
        target: str | None = None,
        before: Any = None,
        after: Any = None,
        verified: str | None = None,
        window_ms: float | None = None,
    ) -> AuditEntry:
        """Record how a write ended.

        Args:
            entry_id: The intent row.
            state: ``applied``, ``refused`` or ``unknown``.
            outcome: A sentence: ``ok``, or what failed and why.
            target: The target, when it is known only now (a create).
            before: The record before the write, when known only now (an update's GET).
            after: The record after the write (or what was sent when it failed).
            verified: What a reconciling read of Order Desk found.
            window_ms: An update's measured GET→PUT window.

        Raises:
            peewee.OperationalError: The database stayed locked past its busy timeout
                (:class:`~app.core.services.writes.WriteRunner` tries again later).
        """
        values: dict[Any, Any] = {
            AuditEvent.state: state,
            AuditEvent.outcome: outcome,
            AuditEvent.completed_at: utc_now(),
        }
        optional = {
            AuditEvent.target: target,
            AuditEvent.before_json: dump_json(before),
            AuditEvent.after_json: dump_json(after),
            AuditEvent.verified: verified,
            AuditEvent.window_ms: None if window_ms is None else round(window_ms, 1),
        }
        values.update({field: value for field, value in optional.items() if value is not None})
        AuditEvent.update(values).where(AuditEvent.id == entry_id).execute()
        return entry_of(AuditEvent.get_by_id(entry_id))

    def get(self, entry_id: int) -> AuditEntry | None:
        """One row, or None."""
        row = AuditEvent.get_or_none(AuditEvent.id == entry_id)
        return None if row is None else entry_of(row)

    def open_rows(
        self, *, key: str | None = None, target: str | None = None, store_id: int | None = None
    ) -> list[AuditEntry]:
        """Rows whose outcome is open (``in_flight`` or ``unknown`` not yet reconciled)."""
        query = AuditEvent.select().where(
            AuditEvent.state.in_(OPEN_STATES)
            & ((AuditEvent.state == IN_FLIGHT) | AuditEvent.verified.is_null())
        )
        if key is not None:
            query = query.where(AuditEvent.idem_key == key)
        if target is not None:
            query = query.where(AuditEvent.target == target)
        if store_id is not None:
            query = query.where(AuditEvent.store_id == store_id)
        return [entry_of(row) for row in query.order_by(AuditEvent.id)]

    def last_applied(self, key: str, since: datetime) -> AuditEntry | None:
        """The newest applied row with ``key`` completed at or after ``since``."""
        row = (
            AuditEvent.select()
            .where(
                (AuditEvent.idem_key == key)
                & (AuditEvent.state == APPLIED)
                & (AuditEvent.completed_at >= since)
            )
            .order_by(AuditEvent.id.desc())
            .first()
        )
        return None if row is None else entry_of(row)

    def written_since(self, entry: AuditEntry) -> bool:
        """True when another write of the same action was applied to ``entry``'s target
        after it (a move back after a move)."""
        if entry.target is None:
            return False
        newer = AuditEvent.select().where(
            (AuditEvent.target == entry.target)
            & (AuditEvent.action == entry.action)
            & (AuditEvent.id > entry.id)
            & (AuditEvent.state == APPLIED)
            & (AuditEvent.idem_key.is_null() | (AuditEvent.idem_key != entry.idem_key))
        )
        return bool(newer.exists())

    def is_dead(self, entry: AuditEntry, now: datetime | None = None) -> bool:
        """True when an in-flight row's process is gone (or the row is stale)."""
        if entry.state != IN_FLIGHT:
            return False
        if entry.owner == self.owner:
            return False
        now = now or utc_now()
        return not process_alive(entry.owner) or now - entry.at > STALE_AFTER

    def record(
        self,
        *,
        actor: str,
        store_id: int | None,
        action: str,
        target: str | None,
        state: str,
        outcome: str,
        change: Any = None,
        before: Any = None,
        after: Any = None,
        key: str | None = None,
        batch: str | None = None,
    ) -> AuditEntry:
        """Record a finished attempt in one step (a refusal before sending, a denied approval,
        a local change such as registering a store).

        Raises:
            ValueError: ``state`` is not one of :data:`STATES` (or is ``in_flight``).
            WriteNotRecorded: The database is busy.
        """
        if state not in STATES or state == IN_FLIGHT:
            raise ValueError(f"state must be one of {STATES[1:]}")
        try:
            row = AuditEvent.create(
                actor=actor, store_id=store_id, action=action, target=target,
                before_json=dump_json(before), after_json=dump_json(after),
                change_json=dump_json(change), outcome=outcome, state=state,
                owner=self.owner, completed_at=utc_now(), idem_key=key, batch=batch,
            )  # fmt: skip
        except pw.OperationalError as error:
            raise WriteNotRecorded(action, target) from error
        return entry_of(row)


def dead_rows(ledger: WriteLedger, rows: Sequence[AuditEntry]) -> list[AuditEntry]:
    """The rows among ``rows`` whose outcome must be reconciled now: ``unknown`` ones and
    ``in_flight`` ones whose process died."""
    return [row for row in rows if row.state == UNKNOWN or ledger.is_dead(row)]
