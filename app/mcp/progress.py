"""Progress notifications while a tool call waits: for its turn in the store's allowance, for a
small store's first sync of its local copy, or for the person at the tray to answer an approval.

The Order Desk connection reports waits through :data:`app.core.orderdesk.limiter.WAIT_REPORT`;
an approval reports through :func:`while_waiting`. For a request that carries a
``progressToken`` this module turns each report into a ``notifications/progress``
(progress = seconds waited, total = the deadline), so clients do not time out meanwhile. Every
protocol era has progress; its ``message`` text exists from 2025-03-26 on, so a session that
negotiated 2024-11-05 gets progress without it (the log message below still says what waits).

The logging capability: the first report of each wait in a call is also sent as a
``notifications/message`` (``warning`` for a wait for the store's allowance, ``notice`` for an
approval or a store's first sync) when the session's level (``logging/setLevel``, default
``warning``) lets it through.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
import weakref
from collections.abc import Awaitable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from app.core.orderdesk.limiter import WAIT_REPORT, WaitReport
from app.core.services.local_orders import FIRST_SYNC_WAIT_TEXT
from app.mcp.transport.session import NoSession, SessionState, current_session

if TYPE_CHECKING:
    from mcp.server import ServerRequestContext

log = logging.getLogger(__name__)
_SENDING: set[asyncio.Task[None]] = set()
T = TypeVar("T")
BEAT = 1.0
"""Seconds between progress reports while :func:`while_waiting` waits."""
APPROVAL_WAIT = "Waiting for the person at the tray to approve this change"
"""The report of a call waiting for approval (logged as ``notice``, not ``warning``)."""
NOTICE_WAITS = frozenset({APPROVAL_WAIT, FIRST_SYNC_WAIT_TEXT})
"""Waits that are part of normal work (logged as ``notice``); the rest are ``warning``."""
LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
DEFAULT_LEVEL = "warning"
_LOG_LEVELS: weakref.WeakKeyDictionary[SessionState, str] = weakref.WeakKeyDictionary()


def set_log_level(level: str) -> None:
    """``logging/setLevel``: the least severe level the calling session wants to hear."""
    _LOG_LEVELS[current_session()] = level


def _wants(level: str) -> bool:
    try:
        wanted = _LOG_LEVELS.get(current_session(), DEFAULT_LEVEL)
    except NoSession:
        wanted = DEFAULT_LEVEL
    return LEVELS.index(level) >= LEVELS.index(wanted)


class WaitChannel(Protocol):
    """Where one request's wait reports go: the MCP SDK's session (:class:`SdkWaits`), or the
    stdio layer that answers read-only calls before the SDK is loaded."""

    @property
    def progress_token(self) -> str | int | None:
        """The request's ``progressToken``, if the client asked for progress."""

    @property
    def says_message(self) -> bool:
        """True when the session's protocol revision has progress ``message`` text."""

    def progress(self, progress: float, total: float, message: str | None) -> Awaitable[None]:
        """Send one ``notifications/progress`` for the request."""

    def log(self, level: str, text: str) -> Awaitable[None]:
        """Send one ``notifications/message`` (logger ``orderdesk``) for the request."""


PROGRESS_MESSAGE_SINCE = "2025-03-26"
"""The first protocol revision whose progress notifications carry a ``message``."""


def says_progress_message(version: object) -> bool:
    """True when protocol revision ``version`` has progress ``message`` text (revisions are
    dates, so they compare as text; an unknown one is taken as new)."""
    return not isinstance(version, str) or version >= PROGRESS_MESSAGE_SINCE


def request_progress_token(meta: Any) -> str | int | None:
    """The ``progressToken`` of a request's ``_meta`` (either spelling), if it is usable."""
    meta = meta or {}
    token = meta.get("progress_token", meta.get("progressToken"))
    return token if isinstance(token, str | int) and not isinstance(token, bool) else None


class SdkWaits:
    """:class:`WaitChannel` over the SDK's request context."""

    def __init__(self, ctx: ServerRequestContext[Any, Any]) -> None:
        self._ctx = ctx
        self.progress_token = request_progress_token(ctx.meta)
        self.says_message = says_progress_message(getattr(ctx.session, "protocol_version", None))
        self._request_id = None if ctx.request_id is None else str(ctx.request_id)

    def progress(self, progress: float, total: float, message: str | None) -> Awaitable[None]:
        """``notifications/progress`` through the SDK session."""
        assert self.progress_token is not None
        return self._ctx.session.send_progress_notification(
            self.progress_token, progress, total, message, related_request_id=self._request_id
        )

    def log(self, level: str, text: str) -> Awaitable[None]:
        """``notifications/message`` for this request (the SDK marks logging deprecated for
        the 2026 era; 2025-era clients, most of them today, still show it)."""
        from mcp.shared.exceptions import MCPDeprecationWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            return self._ctx.session.send_log_message(
                level,  # type: ignore[arg-type]
                text,
                logger="orderdesk",
                related_request_id=self._request_id,
            )


def wait_reporter(channel: WaitChannel) -> WaitReport:
    """A listener that sends each wait report as a progress notification (in order, when the
    request has a progress token) and the first report of each wait as a log message."""
    last = -1.0
    logged: set[str] = set()
    token = channel.progress_token

    def report(waited: float, deadline: float, message: str) -> None:
        nonlocal last
        text = f"{message}: waited {waited:.0f} s of at most {deadline:.0f} s."
        if token is not None:
            progress = max(round(waited, 1), last + 0.1)
            last = progress
            _send(channel.progress(progress, deadline, text if channel.says_message else None))
        level = "notice" if message in NOTICE_WAITS else "warning"
        if message not in logged and _wants(level):
            logged.add(message)
            _send(channel.log(level, f"{message} (at most {deadline:.0f} s)."))

    return report


def _send(sending: Awaitable[None]) -> None:
    task = asyncio.ensure_future(sending)
    _SENDING.add(task)
    task.add_done_callback(_sent)


def _sent(task: asyncio.Task[None]) -> None:
    _SENDING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.debug("progress notification not sent: %s", task.exception())


@contextlib.contextmanager
def waits_reported(channel: WaitChannel) -> Iterator[None]:
    """Within the block, waits send progress (if asked for) and a log message."""
    reset = WAIT_REPORT.set(wait_reporter(channel))
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
