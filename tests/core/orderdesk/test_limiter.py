"""The leaky bucket's maths on a fake clock: capacity, refill, server corrections, fairness."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.core.orderdesk import LeakyBucket
from tests.core.orderdesk.fakes import FakeClock


def make_bucket(clock: FakeClock, **options: float) -> LeakyBucket:
    return LeakyBucket(clock=clock, sleep=clock.sleep, **options)


async def test_full_bucket_serves_twenty_at_once(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    for _ in range(20):
        await bucket.acquire()
    assert clock.now == 0
    assert bucket.tokens == pytest.approx(0)
    assert bucket.wait_time() == pytest.approx(1 / 3)


async def test_refills_three_a_second_up_to_capacity(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    for _ in range(20):
        await bucket.acquire()
    clock.now = 2.0
    assert bucket.tokens == pytest.approx(6)
    clock.now = 100.0
    assert bucket.tokens == pytest.approx(20)


async def test_burst_queues_at_refill_rate_in_fifo_order(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    served: list[tuple[int, float]] = []

    async def caller(number: int) -> None:
        await bucket.acquire()
        served.append((number, clock.now))

    await asyncio.gather(*(caller(n) for n in range(26)))
    assert [number for number, _ in served] == list(range(26))
    assert all(at == 0 for _, at in served[:20])
    for k, (_, at) in enumerate(served[20:], start=1):
        assert at == pytest.approx(k / 3)
    assert bucket.waiting == 0


async def test_server_count_only_lowers_the_estimate(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    bucket.observe(tokens_remaining=5)
    assert bucket.tokens == pytest.approx(5)
    bucket.observe(tokens_remaining=18)
    assert bucket.tokens == pytest.approx(5)
    bucket.observe(tokens_remaining=-3)
    assert bucket.tokens == 0


async def test_retry_after_pauses_everyone(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    bucket.observe(tokens_remaining=0, retry_after=4)
    assert bucket.paused_for() == pytest.approx(4)
    await asyncio.gather(bucket.acquire(), bucket.acquire())
    assert clock.now == pytest.approx(4)
    # after the pause the bucket has refilled for 4 s (12 tokens), two were taken
    assert bucket.tokens == pytest.approx(10)
    assert bucket.paused_for() == 0


async def test_a_later_shorter_pause_does_not_shorten_the_first(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    bucket.observe(retry_after=5)
    bucket.observe(retry_after=1)
    assert bucket.paused_for() == pytest.approx(5)


async def test_cancelled_waiter_leaves_the_queue(clock: FakeClock) -> None:
    gate = asyncio.Event()

    async def blocked_sleep(seconds: float) -> None:
        await gate.wait()

    bucket = LeakyBucket(capacity=1, clock=clock, sleep=blocked_sleep)
    await bucket.acquire()
    waiter = asyncio.create_task(bucket.acquire())
    await asyncio.sleep(0)
    assert bucket.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert bucket.waiting == 0


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        LeakyBucket(capacity=0)
    with pytest.raises(ValueError):
        LeakyBucket(refill_per_second=0)


async def test_reserve_takes_two_tokens_at_once_and_nothing_waits_between(
    clock: FakeClock,
) -> None:
    bucket = make_bucket(clock)
    for _ in range(19):
        await bucket.acquire()  # one token left: a GET alone could go, GET+PUT must wait
    async with bucket.reserve(2):
        reserved_at = clock.now
        assert reserved_at == pytest.approx(1 / 3)  # waited for the second token first
        await bucket.acquire()  # the GET
        await bucket.acquire()  # the PUT: no wait between them
        assert clock.now == reserved_at
    assert bucket.tokens == pytest.approx(0)


async def test_unused_reserved_tokens_go_back(clock: FakeClock) -> None:
    bucket = make_bucket(clock)
    async with bucket.reserve(2):
        await bucket.acquire()  # the GET showed nothing to change: no PUT
    assert bucket.tokens == pytest.approx(19)
    with pytest.raises(ValueError, match="count must be"):
        await bucket.acquire(21)


# Shared between processes ----------------------------------------------------------------


async def test_buckets_naming_one_file_draw_from_one_budget(tmp_path: Path) -> None:
    path = tmp_path / "store.bucket"
    first = LeakyBucket(3, 1.0, shared=path)
    second = LeakyBucket(3, 1.0, shared=path)  # another process would open the same file
    await first.acquire(2)
    assert second.tokens == pytest.approx(1.0, abs=0.05)
    await second.acquire()
    assert first.wait_time() == pytest.approx(1.0, abs=0.05)
    second.observe(retry_after=5.0)  # a 429 in the other process
    assert second.paused_for() == pytest.approx(5.0, abs=0.05)
    assert first.paused_for() == 0  # not paused: it waits for the next shared token
    assert first.tokens == pytest.approx(0.0, abs=0.05)
    assert first.wait_time() == pytest.approx(1.0, abs=0.05)


async def test_a_new_shared_file_starts_full_and_unused_reserved_tokens_go_back(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.bucket"
    bucket = LeakyBucket(5, 1.0, shared=path)
    async with bucket.reserve(4):
        assert LeakyBucket(5, 1.0, shared=path).tokens == pytest.approx(1.0, abs=0.05)
    assert LeakyBucket(5, 1.0, shared=path).tokens == pytest.approx(5.0, abs=0.05)
    assert path.stat().st_size == 24
