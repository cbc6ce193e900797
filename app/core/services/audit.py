"""The audit log: who wrote what, where and when, with before/after snapshots.

The audit log is the write ledger (:mod:`app.core.services.ledger` writes its rows before and
after each Order Desk write); this module reads it. Every write through the services records
one :class:`AuditEntry` (also failed, refused, denied and unknown ones).
Snapshots are JSON copies of Order Desk records with secret-named fields (``cc_number``,
``api_key``, ...) replaced; an API key never reaches this table. The activity window reads
entries with :meth:`AuditLog.query` and undoes an update with :meth:`AuditLog.revert`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.core.db.models import AuditEvent, utc_now
from app.core.engine import any_thread
from app.core.logs import REDACTED, is_secret_key
from app.core.services.errors import RevertError

log = logging.getLogger(__name__)

OK = "ok"
RevertHandler = Callable[["AuditEntry", str], Awaitable["AuditEntry"]]


@dataclass(frozen=True)
class AuditEntry:
    """One recorded write.

    Attributes:
        id: Event id (for :meth:`AuditLog.revert`).
        at: When it happened (UTC).
        actor: ``gui`` or ``mcp:<client>`` (or ``cli``).
        store_id: Our id of the store, if any.
        action: What was done, e.g. ``order.update``, ``shipment.add``.
        target: What it was done to, e.g. ``order:1234``.
        before: Snapshot before the write (None for creates).
        after: Snapshot after the write, or what was sent when it failed.
        outcome: ``ok``, ``failed: <reason>`` or ``refused: <reason>``.
        state: ``in_flight``, ``applied``, ``refused``, ``unknown`` or ``denied``.
        change: What the write asked for (the change set, the new shipment...).
        idem_key: Identifies identical writes (None for unguarded rows).
        owner: The process that sent the write.
        completed_at: When the outcome was recorded (None while in flight).
        verified: What a reconciling read of Order Desk found (None when not reconciled).
        window_ms: An update's measured time between its GET and its PUT.
        batch: The bulk job the write belongs to (one row per order, one id per job).
    """

    id: int
    at: datetime
    actor: str
    store_id: int | None
    action: str
    target: str | None
    before: Any
    after: Any
    outcome: str
    state: str = "applied"
    change: Any = None
    idem_key: str | None = None
    owner: str | None = None
    completed_at: datetime | None = None
    verified: str | None = None
    window_ms: float | None = None
    batch: str | None = None

    @property
    def ok(self) -> bool:
        """True when the write was applied."""
        return self.state == "applied"

    def as_dict(self) -> dict[str, Any]:
        """The entry as JSON-ready values (times as ISO text)."""
        values = dict(vars(self))
        for name in ("at", "completed_at"):
            value = values[name]
            values[name] = None if value is None else value.isoformat()
        return values


@dataclass(frozen=True)
class AuditPage:
    """One page of :meth:`AuditLog.query`, newest first."""

    entries: tuple[AuditEntry, ...]
    total: int
    offset: int
    limit: int
    next_offset: int | None


def snapshot(value: Any) -> Any:
    """Return a JSON-ready copy of ``value`` with secret-named fields replaced.

    Args:
        value: A record, a list of records, or any JSON-like value (``Decimal`` becomes text).
    """
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if is_secret_key(str(k)) and v not in (None, "") else snapshot(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [snapshot(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def dump_json(value: Any) -> str | None:
    """A snapshot of ``value`` as JSON text for a ledger column (None stays None)."""
    return None if value is None else json.dumps(snapshot(value), ensure_ascii=False)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def entry_of(row: AuditEvent) -> AuditEntry:
    """The :class:`AuditEntry` of one ledger row."""
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        store_id=row.store_id,
        action=row.action,
        target=row.target,
        before=_load(row.before_json),
        after=_load(row.after_json),
        outcome=row.outcome,
        state=row.state,
        change=_load(row.change_json),
        idem_key=row.idem_key,
        owner=row.owner,
        completed_at=row.completed_at,
        verified=row.verified,
        window_ms=row.window_ms,
        batch=row.batch,
    )


def state_of(outcome: str) -> str:
    """The ledger state of an outcome sentence (``ok`` is applied, anything else refused)."""
    return "applied" if outcome == OK else "refused"


def outcome_of(error: BaseException, refused: bool = False) -> str:
    """Render a failure as an outcome (``failed: ...`` or ``refused: ...``)."""
    return f"{'refused' if refused else 'failed'}: {error}"


class AuditLog:
    """Writes and reads :class:`~app.core.db.models.AuditEvent` rows (on the engine thread)."""

    def __init__(self) -> None:
        self._reverters: dict[str, RevertHandler] = {}

    def record(
        self,
        *,
        actor: str,
        store_id: int | None,
        action: str,
        target: str | None,
        before: Any = None,
        after: Any = None,
        outcome: str = OK,
    ) -> AuditEntry:
        """Store one write and return it.

        Args:
            actor: Who wrote (``gui``, ``mcp:<client>``).
            store_id: Our store id.
            action: E.g. ``order.update``.
            target: E.g. ``order:1234``.
            before: Record before the write.
            after: Record after the write (or the attempted change when it failed).
            outcome: ``ok`` or a failure sentence from :func:`outcome_of`.
        """
        row = AuditEvent.create(
            actor=actor,
            store_id=store_id,
            action=action,
            target=target,
            before_json=dump_json(before),
            after_json=dump_json(after),
            outcome=outcome,
            state=state_of(outcome),
            completed_at=utc_now(),
        )
        return entry_of(row)

    def set_before(self, event_id: int, before: Any) -> AuditEntry:
        """Fill in an entry's ``before`` snapshot (an update knows it only after its GET)."""
        AuditEvent.update(before_json=dump_json(before)).where(AuditEvent.id == event_id).execute()
        return entry_of(AuditEvent.get_by_id(event_id))

    async def get(self, event_id: int) -> AuditEntry:
        """Return one entry.

        Raises:
            RevertError: No entry has that id.
        """
        row = AuditEvent.get_or_none(AuditEvent.id == event_id)
        if row is None:
            raise RevertError(f"There is no activity entry #{event_id}.")
        return entry_of(row)

    async def query(
        self,
        *,
        store_id: int | None = None,
        actor: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        batch: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> AuditPage:
        """Return entries, newest first, filtered and paged.

        Args:
            store_id: Only this store.
            actor: Only this actor; a value ending in ``*`` matches a prefix (``mcp:*``).
            action: Only this action; a value ending in ``*`` matches a prefix (``order.*``).
            since: Only entries at or after this aware datetime.
            until: Only entries before this aware datetime.
            batch: Only the entries of this bulk job.
            limit: Page size (1..500).
            offset: Entries to skip.
        """
        if not 1 <= limit <= 500 or offset < 0:
            raise ValueError("limit must be 1..500 and offset not negative")
        query = AuditEvent.select()
        if store_id is not None:
            query = query.where(AuditEvent.store_id == store_id)
        query = _match(query, AuditEvent.actor, actor)
        query = _match(query, AuditEvent.action, action)
        if since is not None:
            query = query.where(AuditEvent.at >= since)
        if until is not None:
            query = query.where(AuditEvent.at < until)
        if batch is not None:
            query = query.where(AuditEvent.batch == batch)
        total = query.count()
        rows = query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)
        entries = tuple(entry_of(row) for row in rows)
        following = offset + len(entries)
        return AuditPage(entries, total, offset, limit, following if following < total else None)

    @any_thread
    def can_revert(self, action: str) -> bool:
        """True when entries of ``action`` have an undo."""
        return action in self._reverters

    def register_revert(self, action: str, handler: RevertHandler) -> None:
        """Let :meth:`revert` undo entries of ``action`` with ``handler(entry, actor)``."""
        self._reverters[action] = handler

    async def revert(self, event_id: int, actor: str) -> AuditEntry:
        """Undo an applied write with a new recorded write (see :mod:`.reverts`).

        An update's fields are put back if the record has not changed since; a move goes
        back; an added line is deleted, a deleted one added again; a deleted order is
        recreated as a new order.

        Args:
            event_id: The entry to undo.
            actor: Who asks for it.

        Returns:
            The audit entry of the reverting write.

        Raises:
            RevertError: Unknown entry, an action that cannot be reverted, or a failed write.
            OrderConflict: The record changed after the entry; nothing was written.
        """
        entry = await self.get(event_id)
        handler = self._reverters.get(entry.action)
        if handler is None:
            kinds = ", ".join(sorted(self._reverters)) or "none"
            raise RevertError(
                f"Activity entry #{event_id} ({entry.action}) cannot be reverted; only these"
                f" can: {kinds}."
            )
        if not entry.ok:
            raise RevertError(f"Activity entry #{event_id} did not change anything to revert.")
        return await handler(entry, actor)


def _match(query: Any, column: Any, value: str | None) -> Any:
    if value is None:
        return query
    if value.endswith("*"):
        return query.where(column.startswith(value[:-1]))
    return query.where(column == value)
