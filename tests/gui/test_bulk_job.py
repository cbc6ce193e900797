"""The bulk job runner without Qt: order, failures, stopping, cancel, the report's sentence."""

from __future__ import annotations

import asyncio

import pytest

from app.core.errors import ExpectedError
from app.gui.orders.bulk_job import STOP_AFTER_FAILURES, BulkJob, report_text


class Refused(ExpectedError):
    """Order Desk said no (an expected error)."""


async def test_every_order_in_turn_with_progress() -> None:
    seen: list[str] = []
    ticks: list[tuple[int, int]] = []

    async def step(order_id: str) -> None:
        seen.append(order_id)

    job = BulkJob(["1", "2", "3"], step, lambda done, total: ticks.append((done, total)))
    report = await job.run()
    assert seen == report.done == ["1", "2", "3"]
    assert ticks == [(1, 3), (2, 3), (3, 3)]
    assert report_text(report, "moved {n} to Shipped") == (
        "Moved 3 orders to Shipped. Each order is a row in Activity."
    )


async def test_a_failed_order_is_reported_and_the_job_goes_on() -> None:
    async def step(order_id: str) -> None:
        if order_id == "2":
            raise Refused("Order 2 is locked.")

    report = await BulkJob(["1", "2", "3"], step, lambda *_: None).run()
    assert report.done == ["1", "3"] and report.failed[0][0] == "2"
    text = report_text(report, "moved {n} to Shipped", lambda i: f"#{i}")
    assert text.startswith("Moved 2 orders to Shipped; 1 failed (order #2: Order 2 is locked.")


async def test_repeated_failures_stop_the_job() -> None:
    async def step(order_id: str) -> None:
        raise Refused("Order Desk is down.")

    ids = [str(n) for n in range(10)]
    report = await BulkJob(ids, step, lambda *_: None).run()
    assert len(report.failed) == STOP_AFTER_FAILURES and not report.done
    assert report.untouched == ids[STOP_AFTER_FAILURES:] and not report.cancelled
    assert report_text(report, "moved {n}").startswith("Stopped (stopped after 3 failures")


async def test_cancel_finishes_the_current_order_and_starts_no_other() -> None:
    job: BulkJob

    async def step(order_id: str) -> None:
        if order_id == "2":
            job.cancel()  # asked while order 2 is being written
        await asyncio.sleep(0)

    job = BulkJob(["1", "2", "3", "4"], step, lambda *_: None)
    report = await job.run()
    assert report.done == ["1", "2"] and report.untouched == ["3", "4"] and report.cancelled
    assert report_text(report, "moved {n} to Shipped") == (
        "Cancelled: moved 2 of 4 orders to Shipped; 2 not touched (still selected)."
        " Each order is a row in Activity."
    )


async def test_a_bug_in_a_step_is_not_swallowed() -> None:
    async def step(order_id: str) -> None:
        raise KeyError(order_id)

    with pytest.raises(KeyError):
        await BulkJob(["1"], step, lambda *_: None).run()
