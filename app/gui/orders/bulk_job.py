"""One bulk job: the same write on many orders, one order at a time, with progress and cancel.

No Qt here. Each step is one awaited call through the services facade (the GUI's engine proxy
runs it on the engine loop), so the window keeps painting while the store's token bucket paces
the job. Cancelling stops before the next order: the order being written is finished and
recorded (a sent write is never abandoned, docs/architecture.md, "Writes"), nothing after it is
started, and the report says which orders were done, which failed and which were not touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from app.gui.errors import is_expected, user_message

Step = Callable[[str], Awaitable[object]]
"""``await step(order_id)`` writes one order (raises an expected error when it fails)."""
Progress = Callable[[int, int], None]
"""``progress(finished, total)`` after each order (done or failed)."""

STOP_AFTER_FAILURES = 3
"""Failures in a row that stop a job (Order Desk down or refusing: no point in going on)."""


def new_batch_id() -> str:
    """A fresh id for the ledger rows of one job (short: Activity shows it)."""
    return uuid.uuid4().hex[:8]


@dataclass
class BulkReport:
    """What a bulk job did.

    Attributes:
        total: Orders the job was asked to write.
        done: Orders written (in order).
        failed: (order id, the sentence why) for orders that were tried and failed.
        untouched: Orders never tried (cancelled, or stopped after repeated failures).
        cancelled: The user cancelled the job.
        stopped: Why the job stopped by itself (repeated failures), else empty.
    """

    total: int
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)
    cancelled: bool = False
    stopped: str = ""

    @property
    def finished(self) -> int:
        """Orders tried so far (done or failed)."""
        return len(self.done) + len(self.failed)


class BulkJob:
    """Runs ``step`` on each order id in turn.

    Args:
        order_ids: The orders, in the order they are written.
        step: Writes one order.
        progress: Told after each order.
    """

    def __init__(self, order_ids: Sequence[str], step: Step, progress: Progress) -> None:
        self.order_ids = list(order_ids)
        self.step = step
        self.progress = progress
        self.report = BulkReport(total=len(self.order_ids))
        self._cancel_asked = False

    @property
    def cancel_asked(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel_asked

    def cancel(self) -> None:
        """Stop before the next order (the one being written is finished and recorded)."""
        self._cancel_asked = True

    async def run(self) -> BulkReport:
        """Write every order, or until cancelled or stopped; return the report.

        Raises:
            Exception: A bug (an unexpected exception) in a step, after recording nothing more.
        """
        report, in_a_row = self.report, 0
        for position, order_id in enumerate(self.order_ids):
            if self._cancel_asked or in_a_row >= STOP_AFTER_FAILURES:
                report.untouched = self.order_ids[position:]
                report.cancelled = self._cancel_asked
                if not self._cancel_asked:
                    report.stopped = f"stopped after {in_a_row} failures in a row"
                break
            try:
                await self.step(order_id)
            except Exception as error:
                if not is_expected(error):
                    raise
                report.failed.append((order_id, user_message(error)))
                in_a_row += 1
            else:
                report.done.append(order_id)
                in_a_row = 0
            self.progress(report.finished, report.total)
        return report


def report_text(report: BulkReport, did: str, label: Callable[[str], str] = str) -> str:
    """One sentence for the status line, e.g. "Moved 200 orders to Shipped." or
    "Cancelled: moved 37 of 200 orders to Shipped; 163 not touched (still selected)."

    Args:
        report: The job's report.
        did: What was done, as a past-tense phrase with ``{n}`` for the count
            ("moved {n} to Shipped", "added the note to {n}").
        label: How an order is named (its order number).
    """
    done = did.format(n=_orders(len(report.done)))
    if report.cancelled:
        text = f"Cancelled: {did.format(n=f'{len(report.done)} of {_orders(report.total)}')}"
    elif report.stopped:
        text = f"Stopped ({report.stopped}): {done}"
    else:
        text = done[:1].upper() + done[1:]
    parts = [text]
    if report.failed:
        first_id, why = report.failed[0]
        parts.append(f"{len(report.failed)} failed (order {label(first_id)}: {why})")
    if report.untouched:
        parts.append(f"{len(report.untouched)} not touched (still selected)")
    return "; ".join(parts) + ". Each order is a row in Activity."


def _orders(count: int) -> str:
    return f"{count:,} order" + ("" if count == 1 else "s")
