"""The GUI's engine proxy: service calls run on the engine thread; the rest is refused."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.core.engine import Engine, any_thread
from app.gui.engine_proxy import EngineProxyError, on_engine

GUI = Path(__file__).resolve().parents[2] / "app" / "gui"


class Part:
    """A stand-in service part."""

    def __init__(self) -> None:
        self.every = 300.0
        self.ran_on: str | None = None

    async def work(self, value: int, *, twice: bool = False) -> int:
        self.ran_on = threading.current_thread().name
        return value * 2 if twice else value

    async def fail(self) -> None:
        raise LookupError("expected")

    def plain(self) -> int:
        return 1

    @any_thread
    def locked(self) -> str:
        return "ok"


@pytest.fixture
def engine() -> Iterator[Engine]:
    running = Engine("test-proxy-engine")
    running.start()
    yield running
    running.stop()


@pytest.fixture
def services(engine: Engine) -> Any:
    return on_engine(engine, SimpleNamespace(orders=Part(), pool=object()))  # type: ignore[arg-type]


def test_a_coroutine_method_runs_on_the_engine_thread(services: Any) -> None:
    assert asyncio.run(services.orders.work(21, twice=True)) == 42
    assert services.orders._target.ran_on == "test-proxy-engine"


def test_errors_come_back_to_the_caller(services: Any) -> None:
    with pytest.raises(LookupError, match="expected"):
        asyncio.run(services.orders.fail())


def test_data_attributes_and_any_thread_methods_pass_through(services: Any) -> None:
    assert services.orders.every == 300.0
    assert services.orders.locked() == "ok"


def test_plain_methods_and_plumbing_are_refused(services: Any) -> None:
    with pytest.raises(EngineProxyError, match=r"orders\.plain is not a coroutine"):
        services.orders.plain()
    with pytest.raises(EngineProxyError, match=r"services\.pool is not part"):
        _ = services.pool


def test_widgets_never_hop_threads_themselves() -> None:
    """No ``engine.run/call/submit`` in app/gui: the proxy is the only door.

    See docs/architecture.md, "Threads and loops".
    """
    hop = re.compile(r"\bengine\.(run|call|submit|spawn)\(")
    offenders = [
        f"{path.relative_to(GUI)}:{number}"
        for path in sorted(GUI.rglob("*.py"))
        if path.name != "engine_proxy.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if hop.search(line)
    ]
    assert offenders == []
