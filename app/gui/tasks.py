"""Running coroutines from Qt slots on the qasync loop, with references kept and errors routed.

A widget owns a :class:`TaskGroup`; it starts work with :meth:`TaskGroup.start` and cancels
everything still running when it closes. A task that fails with an unexpected exception goes to
``sys.excepthook`` (the crash dialog); expected errors are caught inside the coroutine itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskGroup:
    """A set of asyncio tasks owned by one window or dialog."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Schedule ``coro`` on the current (qasync) loop and keep a reference to it."""
        task = asyncio.get_event_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    @property
    def busy(self) -> bool:
        """True while any task is running."""
        return any(not task.done() for task in self._tasks)

    def cancel_all(self) -> None:
        """Cancel every task still running."""
        for task in list(self._tasks):
            task.cancel()

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            sys.excepthook(type(error), error, error.__traceback__)
