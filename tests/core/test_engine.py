"""The engine thread: start, hand it work from other threads and loops, stop cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time

import pytest

from app.core.engine import Engine, EngineNotRunning
from app.core.events import ORDER_CHANGED, Event


@pytest.fixture
def engine() -> Engine:
    eng = Engine(name="test-engine")
    eng.start()
    yield eng
    eng.stop()


async def _whoami() -> str:
    return threading.current_thread().name


def test_submit_runs_on_engine_thread(engine: Engine) -> None:
    assert engine.submit(_whoami()).result(2) == "test-engine"


def test_call_blocks_for_result(engine: Engine) -> None:
    assert engine.call(_whoami(), timeout=2) == "test-engine"


async def test_run_awaits_from_another_loop(engine: Engine) -> None:
    assert await engine.run(_whoami()) == "test-engine"


def test_exceptions_cross_back(engine: Engine) -> None:
    async def boom() -> None:
        raise ValueError("nope")

    with pytest.raises(ValueError, match="nope"):
        engine.call(boom(), timeout=2)


def test_submit_before_start_is_refused() -> None:
    with pytest.raises(EngineNotRunning):
        Engine().submit(_whoami())


def test_stop_cancels_tasks_runs_closers_and_leaves_no_thread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    eng = Engine(name="stopper")
    eng.start()
    closed: list[str] = []
    started = threading.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    async def closer() -> None:
        closed.append("yes")

    eng.add_closer(closer)
    eng.spawn(forever())
    assert started.wait(2)
    t0 = time.monotonic()
    with caplog.at_level(logging.WARNING):
        eng.stop()
        gc.collect()
    assert time.monotonic() - t0 < 2
    assert closed == ["yes"]
    assert not eng.running
    assert "stopper" not in {t.name for t in threading.enumerate()}
    assert "Task was destroyed" not in caplog.text
    assert "did not stop" not in caplog.text


def test_stop_twice_is_harmless() -> None:
    eng = Engine()
    eng.start()
    eng.stop()
    eng.stop()


def test_spawned_failure_is_logged(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    done = threading.Event()

    async def fails() -> None:
        done.set()
        raise RuntimeError("task broke")

    with caplog.at_level(logging.ERROR, logger="app.core.engine"):
        engine.spawn(fails())
        assert done.wait(2)
        engine.call(asyncio.sleep(0.01), timeout=2)
    assert "engine task failed" in caplog.text


def test_hub_callback_gets_events_from_engine_thread(engine: Engine) -> None:
    seen: list[tuple[str, str]] = []
    unsubscribe = engine.hub.subscribe(
        lambda e: seen.append((e.kind, threading.current_thread().name))
    )

    async def publish() -> None:
        engine.hub.publish(Event.of(ORDER_CHANGED, "s1", order_id="42"))

    engine.call(publish(), timeout=2)
    unsubscribe()
    engine.call(publish(), timeout=2)
    assert seen == [(ORDER_CHANGED, "test-engine")]


async def test_hub_queue_receives_on_its_own_loop(engine: Engine) -> None:
    q = engine.hub.queue()

    async def publish() -> None:
        engine.hub.publish(Event.of(ORDER_CHANGED, "s1", order_id="7"))

    await engine.run(publish())
    event = await asyncio.wait_for(q.get(), 2)
    engine.hub.release(q)
    assert event.data["order_id"] == "7"
    assert event.store_id == "s1"


def test_bad_subscriber_does_not_break_others(engine: Engine) -> None:
    seen: list[str] = []

    def bad(_: Event) -> None:
        raise RuntimeError("subscriber bug")

    engine.hub.subscribe(bad)
    engine.hub.subscribe(lambda e: seen.append(e.kind))
    engine.hub.publish(Event.of(ORDER_CHANGED))
    assert seen == [ORDER_CHANGED]


def test_spawned_tasks_are_cancelled_before_closers_run() -> None:
    eng = Engine()
    eng.start()
    order: list[str] = []
    started = threading.Event()

    async def job() -> None:
        started.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            order.append("job cancelled")
            raise

    async def closer() -> None:
        order.append("closer ran")

    eng.add_closer(closer)
    eng.spawn(job())
    assert started.wait(2)
    eng.stop()
    assert order == ["job cancelled", "closer ran"]
