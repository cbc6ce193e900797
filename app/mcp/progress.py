"""Progress notifications while a tool call waits: for its turn in the store's allowance, or
for the person at the tray to answer an approval.

The Order Desk connection reports waits through :data:`app.core.orderdesk.limiter.WAIT_REPORT`;
an approval reports through :func:`while_waiting`. For a request that carries a
``progressToken`` this module turns each report into a ``notifications/progress``
(progress = seconds waited, total = the deadline), so clients do not time out meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

from mcp.server import ServerRequestContext

from app.core.orderdesk.limiter import WAIT_REPORT, WaitReport

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[None]] = set()
T = TypeVar("T")
BEAT = 1.0
"""Seconds between progress reports while :func:`while_waiting` waits."""


def progress_token(ctx: ServerRequestContext[Any, Any]) -> str | int | None:
    """The request's ``progressToken``, if the client asked for progress."""
    meta: Any = ctx.meta or {}
    token = meta.get("progress_token", meta.get("progressToken"))
    return token if isinstance(token, str | int) and not isinstance(token, bool) else None


def wait_reporter(ctx: ServerRequestContext[Any, Any], token: str | int) -> WaitReport:
    """A listener that sends each wait report as a progress notification (in order)."""
    last = -1.0

    def report(waited: float, deadline: float, message: str) -> None:
        nonlocal last
        progress = max(round(waited, 1), last + 0.1)
        last = progress
        text = f"{message}: waited {waited:.0f} s of at most {deadline:.0f} s."
        task = asyncio.ensure_future(
            ctx.session.send_progress_notification(
                token, progress, deadline, text, related_request_id=_request_id(ctx)
            )
        )
        _SENDING.add(task)
        task.add_done_callback(_sent)

    return report


def _request_id(ctx: ServerRequestContext[Any, Any]) -> str | None:
    return None if ctx.request_id is None else str(ctx.request_id)


def _sent(task: asyncio.Task[None]) -> None:
    _SENDING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.debug("progress notification not sent: %s", task.exception())


@contextlib.contextmanager
def waits_reported(ctx: ServerRequestContext[Any, Any]) -> Iterator[None]:
    """Within the block, waits for the store's allowance send progress (if asked for)."""
    token = progress_token(ctx)
    if token is None:
        yield
        return
    reset = WAIT_REPORT.set(wait_reporter(ctx, token))
    try:
        yield
    finally:
        WAIT_REPORT.reset(reset)


async def while_waiting(waiting: Awaitable[T], message: str, deadline: float) -> T:
    """Await ``waiting``, reporting every :data:`BEAT` s to whoever hears waits (if anyone).

    Args:
        waiting: What the call waits for (e.g. the person's answer to an approval).
        message: What is awaited, e.g. ``Waiting for approval in the tray``.
        deadline: Seconds the wait lasts at most (the progress total).
    """
    report = WAIT_REPORT.get()
    if report is None:
        return await waiting
    started = time.monotonic()

    async def beat() -> None:
        while True:
            report(time.monotonic() - started, deadline, message)
            await asyncio.sleep(BEAT)

    beating = asyncio.ensure_future(beat())
    try:
        return await waiting
    finally:
        beating.cancel()
