"""stdio before the MCP SDK is loaded: hold the pipes, read ahead, answer ``initialize`` at once.

``serve --stdio`` needs about a second to import the MCP SDK and the app's services, and a client
waits for its ``initialize`` answer meanwhile. That answer depends only on the app's and the
SDK's versions and on the protocol version the client asks for, so the real server's answer is
remembered in the data folder (:class:`HandshakeCache`) and sent again by :class:`EarlyStdio` as
soon as the process is up and the client's token checked. Everything the client sends is kept
in order and handed to the SDK's ``stdio_server`` once it runs: the SDK still sees (and answers)
the same ``initialize``, so its session state is exactly as without this module. Its answer to
that request is dropped (the client has it), compared with the one sent, and a difference
(a new app or SDK behaviour under the same versions, e.g. a developer's edit) is logged and
stored for the next start. A first start, a new version or a protocol version not seen before
simply waits for the SDK, as before.

Requests after an early-answered ``initialize`` can be answered here too:
:meth:`EarlyStdio.serve_early` offers them to a responder (:mod:`.early_calls`,
:mod:`.early_tools`) until the SDK runs; what it takes never reaches the SDK, the rest does, in
order.

Only a first message that is a well-formed ``initialize`` request is answered early (a
2026-era client, which sends no handshake, is served by the SDK alone), and only on POSIX,
where fd 0 and 1 can be pointed away like the SDK does (to /dev/null and stderr, so a stray
``print`` cannot corrupt the protocol). Standard library only: it runs before anything heavy.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from app.mcp.transport.early_calls import EarlyCalls, Responder, is_request, parse
from app.mcp.transport.early_handshake import (
    CACHE_FILE,
    HandshakeCache,
    initialize_request,
    sdk_versions,
)

__all__ = ["CACHE_FILE", "EarlyStdio", "HandshakeCache", "initialize_request", "sdk_versions"]

log = logging.getLogger(__name__)

WRITE_DRAIN_S = 5.0
"""Seconds :meth:`EarlyStdio.close` waits for queued output to reach the client."""

Answers = Callable[[str], "dict[str, Any] | None"]


class EarlyStdio:
    """This process's stdin/stdout, held from start-up until the SDK's stdio server runs.

    Use :meth:`claim` first thing, :meth:`answer_with` once the client may be let in, then
    :meth:`streams` as the SDK's ``stdio_server(stdin=..., stdout=...)``, and :meth:`close`
    at the end (it waits for the output to be written and restores fd 0 and 1).

    Args:
        wire_in: The descriptor the client's messages arrive on.
        wire_out: The descriptor the client reads.
        restore: Undoes the claim (called by :meth:`close`).
    """

    def __init__(self, wire_in: int, wire_out: int, restore: Callable[[], None]) -> None:
        self._in = open(wire_in, "rb", closefd=False)  # noqa: SIM115 - read by the thread
        self._out = open(wire_out, "wb", closefd=False)  # noqa: SIM115 - written by a thread
        self._restore = restore
        self._lock = threading.Lock()
        self._backlog: list[tuple[int, str | None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[str | None] | None = None
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._answers: Answers | None = None
        self._store: Callable[[str, dict[str, Any]], None] | None = None
        self.started = time.monotonic()
        self.initialize: tuple[str | int, str] | None = None
        """The first message's ``(id, protocol version)`` when it was an ``initialize``."""
        self.early_result: dict[str, Any] | None = None
        """The result sent before the SDK ran, if one was."""
        self.answered_after: float | None = None
        """Seconds from :meth:`claim` to the early answer."""
        self._sdk_answered = False
        self._responder: Responder | None = None
        self.calls = EarlyCalls(self._send)
        """The requests answered early (see :meth:`serve_early`)."""
        self._read_count = 0
        self._early_from: int | None = None
        self._last_line = time.monotonic()
        self._sdk_wanted = False
        self._reader = threading.Thread(target=self._read, name="stdio-reader", daemon=True)
        self._writer = threading.Thread(target=self._write, name="stdio-writer", daemon=True)

    @classmethod
    def claim(cls) -> EarlyStdio | None:
        """Take fd 0 and 1 for the protocol and start reading; None where this is not done
        (Windows, or no real descriptors): the SDK then claims the pipes itself, as before."""
        if sys.platform == "win32":
            return None
        try:
            wire_in = fcntl.fcntl(0, fcntl.F_DUPFD_CLOEXEC, 3)
            wire_out = fcntl.fcntl(1, fcntl.F_DUPFD_CLOEXEC, 3)
            null = os.open(os.devnull, os.O_RDONLY)
        except OSError:
            return None
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)

        def restore() -> None:
            with contextlib.suppress(OSError):
                os.dup2(wire_in, 0)
                os.dup2(wire_out, 1)

        return cls(wire_in, wire_out, restore).start()

    def start(self) -> EarlyStdio:
        """Start reading the client's lines and writing what is queued for it."""
        self._reader.start()
        self._writer.start()
        return self

    def answer_with(
        self, answers: Answers, store: Callable[[str, dict[str, Any]], None] | None = None
    ) -> None:
        """Let the client in: answer its ``initialize`` from ``answers`` now or on arrival.

        Args:
            answers: The remembered result for a requested protocol version, or None.
            store: Called with the SDK's result when it differs from the remembered one (or
                none was), so the next start can answer it.
        """
        with self._lock:
            self._answers, self._store = answers, store
            self._answer_early()

    @contextlib.asynccontextmanager
    async def streams(self) -> AsyncIterator[tuple[Any, Any]]:
        """``(stdin, stdout)`` for the SDK's ``stdio_server`` on the running loop: every line
        read so far comes first, then the rest as it arrives."""
        with self._lock:
            self._loop = asyncio.get_running_loop()
            self._queue = asyncio.Queue()
            for _, line in self._backlog:
                self._queue.put_nowait(line)
            self._backlog.clear()
        try:
            yield _Lines(self._queue), _Sink(self)
        finally:
            with self._lock:
                self._loop = self._queue = None

    def serve_early(self, responder: Responder) -> None:
        """Offer the requests that arrive after the early ``initialize`` answer, until the SDK
        runs, to ``responder`` (those read so far at once); what it declines waits for the SDK.
        Nothing is offered when ``initialize`` was not answered early."""
        with self._lock:
            self._responder = responder
            kept = []
            for number, line in self._backlog:  # line 1 is the initialize, answered
                if line is None or number == 1 or not self._answered_here(number, line):
                    kept.append((number, line))
            self._backlog = kept

    def wait_burst(self, quiet: float, limit: float) -> None:
        """Wait until the client's first requests are answered: no early call runs and none
        arrived for ``quiet`` s, or a request waits for the SDK, or ``limit`` s passed (the
        SDK then loads without competing with early answers for the interpreter)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self._lock:
                wanted, last = self._sdk_wanted, self._last_line
            if wanted or (time.monotonic() - last >= quiet and self.calls.wait_idle(0)):
                return
            time.sleep(0.01)

    def summary(self) -> str:
        """How the client's ``initialize`` (and its first reads) were answered, for the log."""
        if self.initialize is None:
            return "stdio: the first message was no initialize request; the SDK served it"
        if self.answered_after is None:
            return f"stdio: initialize ({self.initialize[1]}) answered by the MCP server"
        return (
            f"stdio: initialize ({self.initialize[1]}) answered "
            f"{self.answered_after * 1000:.0f} ms after start, and {self.calls.taken} "
            "request(s) after it, before the MCP SDK loaded"
        )

    def close(self) -> None:
        """Wait (bounded) for queued output to reach the client; restore fd 0 and 1."""
        self._outbox.put(None)
        self._writer.join(WRITE_DRAIN_S)
        self._restore()

    # -- the reader thread ----------------------------------------------------------------

    def _read(self) -> None:
        first = True
        with contextlib.suppress(OSError, ValueError):
            for raw in self._in:
                line = raw.decode("utf-8", "replace")
                with self._lock:
                    self._read_count += 1
                    self._last_line = time.monotonic()
                    if self._answered_here(self._read_count, line, first):
                        continue
                    first = False
                    self._deliver(line)
        with self._lock:
            self._deliver(None)

    def _answered_here(self, number: int, line: str, first: bool = False) -> bool:
        """Look at line ``number`` before the SDK gets it (locked): the first one may be an
        ``initialize`` to answer early, a later one an early call's. True when it was answered
        here; a line this fails on (e.g. nested too deep to parse) goes to the SDK."""
        try:
            if first:
                self.initialize = initialize_request(line)
                self._answer_early()
                return False
            return self._route(number, line)
        except Exception:  # must not stop the reader: the SDK answers or ignores the line
            log.exception("stdio: line %d could not be routed; passed on", number)
            return False

    def _route(self, number: int, line: str) -> bool:
        """Answer line ``number`` here if it is for an early call (a cancellation of one, or a
        request the responder takes); False to hand it to the SDK (locked)."""
        if self._loop is not None and self.calls.wait_idle(0):
            return False  # the SDK runs and no early call can be cancelled: nothing to do
        message = parse(line)
        if message is None:
            return False
        if self.calls.cancelled(message):
            return True
        if self._loop is not None:
            return False
        eligible = self._early_from is not None and number > self._early_from
        if eligible and self._responder is not None:
            if self.calls.offer(self._responder, message):
                return True
            self._sdk_wanted = self._sdk_wanted or is_request(message)
        elif not eligible:
            self._sdk_wanted = self._sdk_wanted or is_request(message)
        return False

    def _deliver(self, line: str | None) -> None:
        """Hand a line (None: end of input) to the SDK, or keep it until it runs (locked)."""
        if self._loop is None or self._queue is None:
            self._backlog.append((self._read_count, line))
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: the session is over
            self._loop.call_soon_threadsafe(self._queue.put_nowait, line)

    def _answer_early(self) -> None:
        """Send the remembered ``initialize`` result, once both it and the request are here."""
        if self.initialize is None or self._answers is None or self.early_result is not None:
            return
        request_id, requested = self.initialize
        result = self._answers(requested)
        if result is None:
            return
        self.early_result = result
        self._early_from = max(self._read_count, 1)
        self.answered_after = time.monotonic() - self.started
        self._send({"jsonrpc": "2.0", "id": request_id, "result": result})

    # -- output ---------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        self._outbox.put(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def from_sdk(self, text: str) -> None:
        """One line the SDK wrote: sent on, except its answer to an early-answered
        ``initialize`` (compared with what was sent, and remembered when it differs)."""
        if self.initialize is not None and not self._sdk_answered:
            message = _parsed(text)
            if message.get("id") == self.initialize[0] and (
                "result" in message or "error" in message
            ):
                self._sdk_answered = True
                if self._settle(message.get("result")):
                    return
        self._outbox.put(text.encode("utf-8"))

    def _settle(self, result: Any) -> bool:
        """Check the SDK's ``initialize`` result against the early one; True to drop it."""
        assert self.initialize is not None
        if self.early_result is not None and result != self.early_result:
            log.warning(
                "the early initialize answer differed from the MCP server's (protocol %s); "
                "the next start sends the server's",
                self.initialize[1],
            )
        if isinstance(result, dict) and result != self.early_result and self._store is not None:
            self._store(self.initialize[1], result)
        return self.early_result is not None

    def _write(self) -> None:
        while (data := self._outbox.get()) is not None:
            try:
                self._out.write(data)
                self._out.flush()
            except OSError:  # the client went away: drop the rest
                return


class _Lines:
    """The SDK's stdin: an async iterator of the lines the reader thread hands over."""

    def __init__(self, lines: asyncio.Queue[str | None]) -> None:
        self._lines = lines

    def __aiter__(self) -> _Lines:
        return self

    async def __anext__(self) -> str:
        line = await self._lines.get()
        if line is None:
            raise StopAsyncIteration
        return line


class _Sink:
    """The SDK's stdout: whole lines go to :meth:`EarlyStdio.from_sdk`."""

    def __init__(self, early: EarlyStdio) -> None:
        self._early = early
        self._partial = ""

    async def write(self, text: str) -> None:
        """Take text; every complete line goes on."""
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            self._early.from_sdk(line + "\n")

    async def flush(self) -> None:
        """Lines are sent as they complete; nothing to do."""


def _parsed(text: str) -> dict[str, Any]:
    try:
        message = json.loads(text)
    except ValueError:
        return {}
    return message if isinstance(message, dict) else {}
