"""The engine thread: one background asyncio loop that owns all outside I/O.

Order Desk allows one leaky bucket per store, so every caller — the GUI and every MCP client —
must share one HTTP client and one limiter per store. They live on this loop. Other threads hand
it coroutines with :meth:`Engine.submit`; another asyncio loop (the GUI's qasync loop) awaits
them with :meth:`Engine.run`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from app.core.events import EventHub

log = logging.getLogger(__name__)

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Closer = Callable[[], Awaitable[None]]
ANY_THREAD_MARK = "__any_thread__"


def any_thread(method: F) -> F:
    """Mark a plain (not async) service method as safe to call from any thread.

    A face's engine proxy runs a service's coroutine methods on the engine loop and refuses
    its plain methods, except those marked here (they only take a lock).
    """
    setattr(method, ANY_THREAD_MARK, True)
    return method


class EngineNotRunning(RuntimeError):
    """Work was handed to an engine that is not running."""


class Engine:
    """A background thread running one asyncio event loop.

    Args:
        name: Thread name (shows up in logs and debuggers).
    """

    def __init__(self, name: str = "orderdesk-engine") -> None:
        self.name = name
        self.hub = EventHub()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._closers: list[Closer] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The engine's loop; raises :class:`EngineNotRunning` before start."""
        if self._loop is None:
            raise EngineNotRunning("the engine is not running")
        return self._loop

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._thread is not None and self._thread.is_alive()

    def in_engine_thread(self) -> bool:
        """True when called from the engine thread itself."""
        return threading.current_thread() is self._thread

    def start(self) -> None:
        """Start the thread and return once its loop is running."""
        if self.running:
            return
        ready = threading.Event()
        self._thread = threading.Thread(target=self._main, args=(ready,), name=self.name)
        self._thread.daemon = True
        self._thread.start()
        ready.wait()

    def _main(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._stopping = asyncio.Event()
        try:
            loop.run_until_complete(self._serve(ready))
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()
            self._loop = None

    async def _serve(self, ready: threading.Event) -> None:
        assert self._stopping is not None
        ready.set()
        await self._stopping.wait()
        await self._shutdown()

    async def _shutdown(self) -> None:
        # Background jobs first, so none is mid-request when the closers shut their clients.
        spawned = list(self._tasks)
        for task in spawned:
            task.cancel()
        await asyncio.gather(*spawned, return_exceptions=True)
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:
                log.exception("engine closer failed")
        self._closers.clear()
        await self._cancel_all()

    async def _cancel_all(self) -> None:
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def stop(self, timeout: float = 2.0) -> None:
        """Run the closers, cancel what is left, and join the thread.

        Args:
            timeout: Seconds to wait for the thread to finish.
        """
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None or loop is None or stopping is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(stopping.set)
        thread.join(timeout)
        if thread.is_alive():
            log.warning("engine thread did not stop within %.1f s", timeout)
        else:
            self._thread = None

    def add_closer(self, closer: Closer) -> None:
        """Await ``closer()`` on the engine loop at stop, newest first."""
        self._closers.append(closer)

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the engine loop from any thread."""
        if not self.running or self._loop is None:
            coro.close()
            raise EngineNotRunning("the engine is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the engine from another asyncio loop (e.g. qasync)."""
        if self.in_engine_thread():
            return await coro
        return await asyncio.wrap_future(self.submit(coro))

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the engine and block the calling (non-engine) thread for the result."""
        if self.in_engine_thread():
            coro.close()
            raise RuntimeError("Engine.call would deadlock on the engine thread")
        return self.submit(coro).result(timeout)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Start a background task on the engine; it is cancelled at stop.

        Safe from any thread. Failures are logged, never lost silently.
        """
        self.loop.call_soon_threadsafe(self._spawn_here, coro)

    def _spawn_here(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("engine task failed", exc_info=task.exception())
