"""Progress notifications while a tool call waits for its turn in the store's allowance.

The Order Desk connection reports waits through :data:`app.core.orderdesk.limiter.WAIT_REPORT`;
for a request that carries a ``progressToken`` this module turns each report into a
``notifications/progress`` (progress = seconds waited, total = the deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from mcp.server import ServerRequestContext

from app.core.orderdesk.limiter import WAIT_REPORT, WaitReport

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[None]] = set()


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
