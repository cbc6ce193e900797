"""Refuse an identical repeat write inside a short window (docs/architecture.md, "Writes").

A model that retries a tool call, or a user who double-clicks, must not add the same shipment
or history note twice or create an order twice. Each guarded write names a key (for example
``("shipment", store, order id, tracking number)``); a second write with the same key inside the
window, or while the first is still running, raises :class:`DuplicateWriteError`. A write that
failed does not count.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

from app.core.services.errors import DuplicateWriteError

DEFAULT_WINDOW = 60.0


class DuplicateGuard:
    """Remembers recent writes by key for ``window`` seconds.

    Args:
        window: Seconds during which an identical write is refused (0 disables the guard).
        clock: Monotonic seconds (a fake one in tests).
    """

    def __init__(
        self, window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window
        self._clock = clock
        self._done: dict[Hashable, float] = {}
        self._running: set[Hashable] = set()

    @contextmanager
    def claim(self, keys: list[Hashable], what: str) -> Iterator[None]:
        """Hold ``keys`` for the duration of a write; remember them if it succeeds.

        Args:
            keys: One key per guarded effect of the write.
            what: How to name the write in the refusal, e.g. ``"shipment 1Z999 on order 7"``.

        Raises:
            DuplicateWriteError: One of the keys was written inside the window or is being
                written now.
        """
        if self.window <= 0:
            yield
            return
        self._check(keys, what)
        self._running.update(keys)
        try:
            yield
        finally:
            self._running.difference_update(keys)
        now = self._clock()
        for key in keys:
            self._done[key] = now

    def _check(self, keys: list[Hashable], what: str) -> None:
        now = self._clock()
        self._done = {k: at for k, at in self._done.items() if now - at < self.window}
        if len(set(keys)) != len(keys):
            raise DuplicateWriteError(f"Refused: the request repeats {what} within itself.")
        for key in keys:
            if key in self._running:
                raise DuplicateWriteError(
                    f"Refused: an identical write ({what}) is in progress right now."
                )
            if key in self._done:
                ago = now - self._done[key]
                raise DuplicateWriteError(
                    f"Refused: {what} was already written {ago:.0f} s ago; identical writes"
                    f" within {self.window:g} s are treated as accidental repeats. Check the"
                    " order, and if it is really wanted twice, wait and try again."
                )
