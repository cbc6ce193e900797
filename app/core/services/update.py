"""The read-modify-write loop behind every full-record update.

See docs/architecture.md, "Updates and conflicts".

1. The merge base is always a fresh GET, so every edit made before the update started survives:
   only the fields the change set names may change.
2. A caller that based its change on something it read passes that record's ``date_updated``;
   if the fresh GET shows another one the update stops with :class:`OrderConflict`.
3. Order Desk has no conditional PUT, so the window between our GET and our PUT cannot be
   closed. It is kept short: the bucket tokens of the GET and the PUT are taken together before
   the GET (``reserve``), so nothing waits between them but an instant confirmation (policy
   allow) and the PUT itself. The window is measured (:attr:`UpdateOutcome.window_ms`, from the
   GET's answer to the PUT's answer) and recorded in the ledger. An edit made by someone else
   inside that window is overwritten by our PUT; an edit made after our PUT survives.

An uncontested update costs exactly two requests. A PUT that fails transiently (429, 5xx,
timeout, dropped connection) is not repeated blindly: after a bounded, jittered backoff the
record is read again and the change set re-applied to that fresh copy before the next PUT.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.core.orderdesk import OrderDeskError, RetryPolicy, to_datetime
from app.core.orderdesk.retry import may_have_reached_server, retry_delay
from app.core.services.errors import OrderConflict, WriteDenied
from app.core.services.merge import FieldChange, MergeRules, apply_changes, diff

log = logging.getLogger(__name__)

Record = dict[str, Any]
VERSION_FIELD = "date_updated"
Confirm = Callable[[Sequence[FieldChange]], Awaitable[None]]
Reserve = Callable[[int], AbstractAsyncContextManager[None]]


@dataclass(frozen=True)
class UpdatePlan:
    """What an update should do.

    Attributes:
        record_id: Id of the record (for messages).
        changes: The change set.
        rules: Merge rules of the record kind.
        expected: ``date_updated`` the caller based the change on, or None (merge on latest).
        based_on: The record the caller read, if it has it (names the fields in a conflict).
        kind: ``order`` or ``inventory item`` (for messages).
        confirm: Called with the merged changes between the GET and the PUT of the first
            round; it must decide at once (a policy) — a refusal raises and nothing is sent.
        compare_copy: For records without a ``date_updated`` (order items, shipments): the
            fresh GET must equal ``based_on`` on the fields both have, else a conflict.
    """

    record_id: str
    changes: Mapping[str, Any]
    rules: MergeRules
    expected: str | None = None
    based_on: Mapping[str, Any] | None = None
    kind: str = "order"
    confirm: Confirm | None = None
    compare_copy: bool = False


@dataclass(frozen=True)
class UpdateOutcome:
    """What an update did.

    Attributes:
        before: The merge base (the last fresh read).
        stored: The record as Order Desk stored it (``before`` when nothing changed).
        changes: Fields the change set changed (empty: no PUT was sent).
        attempts: GET+PUT rounds it took.
        window_ms: Time from the answer of the GET the PUT was based on to the PUT's answer.
    """

    before: Record
    stored: Record
    changes: tuple[FieldChange, ...]
    attempts: int
    window_ms: float | None = None

    @property
    def written(self) -> bool:
        """True when a PUT was sent."""
        return bool(self.changes)


def same_version(a: object, b: object) -> bool:
    """Compare two ``date_updated`` values as instants (text forms may differ)."""
    try:
        first, second = to_datetime(a), to_datetime(b)
    except ValueError:
        return str(a).strip() == str(b).strip()
    if first is None or second is None:
        return str(a or "").strip() == str(b or "").strip()
    return first == second


def copy_differs(based_on: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """The fields (on both sides, dates aside) where the caller's copy and ``current`` differ.

    Order items and shipments carry no ``date_updated``, so the copy a person edited is its
    version: a field someone else changed since shows here.
    """
    shared = [key for key in based_on if key in current and not key.startswith("date_")]
    mine = {key: _plain(based_on[key]) for key in shared}
    theirs = {key: _plain(current[key]) for key in shared}
    return [change.name for change in diff(mine, theirs)]


def _plain(value: Any) -> Any:
    """A value compared as Order Desk means it: ``"2.50"``, ``2.5`` and ``"2.5"`` are equal."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, bool) or value is None:
        return value
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value
    return number.normalize() if number.is_finite() else value


def check_version(plan: UpdatePlan, current: Mapping[str, Any]) -> None:
    """Raise :class:`OrderConflict` when ``current`` is not the version the caller read."""
    if plan.compare_copy and plan.based_on is not None:
        differing = copy_differs(plan.based_on, current)
        if differing:
            raise OrderConflict(plan.record_id, "as shown", "changed", differing, kind=plan.kind)
        return
    if plan.expected is None or same_version(plan.expected, current.get(VERSION_FIELD)):
        return
    changed: list[str] = []
    if plan.based_on is not None and same_version(plan.expected, plan.based_on.get(VERSION_FIELD)):
        changed = [c.name for c in diff(plan.based_on, current, ignore=(VERSION_FIELD,))]
    raise OrderConflict(
        plan.record_id,
        str(plan.expected),
        str(current.get(VERSION_FIELD) or "unknown"),
        changed,
        kind=plan.kind,
    )


async def read_modify_write(
    plan: UpdatePlan,
    read: Callable[[], Awaitable[Record]],
    write: Callable[[Record], Awaitable[Record]],
    policy: RetryPolicy,
    reserve: Reserve | None = None,
) -> UpdateOutcome:
    """Run the update loop (see the module docstring).

    Args:
        plan: The change and its conflict basis.
        read: A fresh GET of the full record (may retry by itself).
        write: One PUT attempt of the full record (must not retry by itself).
        policy: Bounds and backoff of the GET+PUT rounds.
        reserve: Takes ``n`` bucket tokens at once for the requests inside it (the store's
            :meth:`~app.core.orderdesk.LeakyBucket.reserve`); None takes them one by one.

    Raises:
        OrderConflict: The first fresh read is not the version the caller read.
        InvalidChangeError: The change set cannot be applied.
        WriteDenied: ``plan.confirm`` refused; nothing was sent.
        OrderDeskError: A read failed, or the PUT failed for good (``may_have_applied`` set
            when an earlier PUT of this update may have reached Order Desk).
    """
    attempt, sent = 0, False
    while True:
        attempt += 1
        done: UpdateOutcome | None = None
        async with reserve(2) if reserve is not None else nullcontext():
            try:
                done = await _round(plan, read, write, attempt)
            except OrderDeskError as error:
                sent = sent or (error.method == "PUT" and may_have_reached_server(error))
                delay = retry_delay(policy, "PUT", error, attempt)
                if delay is None or error.method != "PUT":
                    error.may_have_applied = error.may_have_applied or sent
                    raise
                log.info(
                    "PUT of %s %s failed (%s); reading it again in %.2f s before retrying",
                    plan.kind, plan.record_id, type(error).__name__, delay,
                )  # fmt: skip
        if done is not None:
            return done
        await policy.sleep(delay or 0.0)


async def _round(
    plan: UpdatePlan,
    read: Callable[[], Awaitable[Record]],
    write: Callable[[Record], Awaitable[Record]],
    attempt: int,
) -> UpdateOutcome:
    """One GET, merge and PUT."""
    base = await read()
    read_at = time.perf_counter()
    if attempt == 1:
        check_version(plan, base)
    body = apply_changes(base, plan.changes, plan.rules)
    changes = tuple(diff(base, body))
    if not changes:
        return UpdateOutcome(base, base, (), attempt)
    if attempt == 1 and plan.confirm is not None:
        try:
            await plan.confirm(changes)
        except Exception as error:
            raise WriteDenied(str(error)) from error
    stored = await write(body)  # nothing else is awaited between the GET and the PUT
    window = (time.perf_counter() - read_at) * 1000
    return UpdateOutcome(base, stored, changes, attempt, window)
