"""The GUI's door into the engine: a typed view of the services that hops threads itself.

``on_engine(engine, services)`` returns an object typed exactly like ``services``. Calling a
coroutine method of one of its parts (``services.orders.update(...)``) gives a coroutine that,
awaited on the GUI's qasync loop, runs the real call on the engine loop and returns its result
(the GUI never runs core code on its own thread: docs/architecture.md, "Threads and loops").
Because the types are the services' own, mypy checks every call site in the GUI against the
real signatures.

What the proxy refuses, so a mistake fails loudly instead of touching the database from the GUI
thread: plain (not async) methods, unless marked :func:`app.core.engine.any_thread`, and the
plumbing outside :data:`~app.core.services.container.FACADE_PARTS`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

from app.core.engine import ANY_THREAD_MARK, Engine
from app.core.services.container import FACADE_PARTS, Services

S = TypeVar("S")


class EngineProxyError(TypeError):
    """The GUI asked the proxy for something that would run off the engine thread."""


def on_engine(engine: Engine, services: Services) -> Services:
    """A view of ``services`` whose parts' coroutine methods run on ``engine``."""
    return cast(Services, _FacadeProxy(engine, services))


class _FacadeProxy:
    """The facade: only its parts, each wrapped in a :class:`_PartProxy`."""

    def __init__(self, engine: Engine, services: Services) -> None:
        self._engine = engine
        self._services = services
        self._parts: dict[str, _PartProxy] = {}

    def __getattr__(self, name: str) -> Any:
        if name not in FACADE_PARTS:
            raise EngineProxyError(f"services.{name} is not part of the GUI's facade")
        part = self._parts.get(name)
        if part is None:
            part = self._parts[name] = _PartProxy(self._engine, getattr(self._services, name), name)
        return part


class _PartProxy:
    """One part: coroutine methods hop to the engine; data attributes are read as they are."""

    def __init__(self, engine: Engine, target: object, name: str) -> None:
        self._engine = engine
        self._target = target
        self._name = name

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if inspect.iscoroutinefunction(value):
            return _hop(self._engine, value)
        if callable(value) and not getattr(value, ANY_THREAD_MARK, False):
            raise EngineProxyError(
                f"services.{self._name}.{name} is not a coroutine, so it cannot run on the "
                "engine from the GUI; make it async in core"
            )
        return value


def _hop(engine: Engine, method: Callable[..., Coroutine[Any, Any, S]]) -> Callable[..., Any]:
    @functools.wraps(method)
    async def on_engine_loop(*args: Any, **kwargs: Any) -> S:
        return await engine.run(method(*args, **kwargs))

    return on_engine_loop
