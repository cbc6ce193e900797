"""The progress of an index sync as text: done/total, rate and time left (``index sync``).

:class:`SyncProgress` is plain arithmetic over ``(phase, done, total, time)`` reports;
:class:`ProgressPrinter` decides when and how a line reaches stderr: on a terminal one line
updated in place a few times a second, elsewhere (a pipe, a log, a test) a new line about once
a second, so a long sync leaves a readable record.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import TextIO


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s`` or ``1 h 2 min`` (rounded up to whole seconds)."""
    whole = max(0, math.ceil(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@dataclass
class _Origin:
    phase: str
    done: int
    at: float


class SyncProgress:
    """Turns progress reports of one sync into lines such as
    ``full: 1500/6000 orders (25%), 820 orders/s, about 6 s left``.

    The rate is measured from the first report of the current phase (a walk reports once
    before its first page, with nothing known yet: ``full: starting``), so it needs two reports
    and a resumed walk's pages read before do not count.
    """

    def __init__(self) -> None:
        self._origin: _Origin | None = None
        self.rate: float | None = None

    def line(self, phase: str, done: int, total: int, now: float) -> str:
        """The line for one report (``now`` from a monotonic clock)."""
        if self._origin is None or self._origin.phase != phase:
            self._origin = _Origin(phase, done, now)
            self.rate = None
        elif now > self._origin.at and done > self._origin.done:
            self.rate = (done - self._origin.done) / (now - self._origin.at)
        total = max(total, done)
        if not total:
            return f"{phase}: starting"
        percent = f" ({100 * done // total}%)"
        text = f"{phase}: {done}/{total} orders{percent}"
        if self.rate:
            text += f", {self.rate:.0f} orders/s"
            if done < total:
                text += f", about {duration((total - done) / self.rate)} left"
        return text


class ProgressPrinter:
    """Writes :class:`SyncProgress` lines to ``stream`` (stderr by default).

    Args:
        stream: Where lines go.
        interactive: Update one line in place (a terminal); default: ``stream.isatty()``.
    """

    TERMINAL_EVERY = 0.2
    LOG_EVERY = 1.0

    def __init__(self, stream: TextIO | None = None, interactive: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.interactive = self.stream.isatty() if interactive is None else interactive
        self.progress = SyncProgress()
        self._printed_at: float | None = None
        self._printed: tuple[str, int, int] | None = None
        self._open_line = False

    def report(self, phase: str, done: int, total: int, now: float) -> None:
        """Take one report; print it unless the last line is too recent (the first report
        and a finished phase always print) or said the same counts."""
        text = self.progress.line(phase, done, total, now)
        every = self.TERMINAL_EVERY if self.interactive else self.LOG_EVERY
        finished = done >= total > 0
        if self._printed == (phase, done, total):
            return
        if self._printed_at is not None and now - self._printed_at < every and not finished:
            return
        self._printed_at, self._printed = now, (phase, done, total)
        if self.interactive:
            self.stream.write(f"\r{text}\033[K")
            self._open_line = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def end_line(self) -> None:
        """End an in-place line, so the next message starts on its own line."""
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False
