"""Per-client limits with a fake clock, and the global pause switch."""

from __future__ import annotations

import pytest

from app.core.access import (
    ANONYMOUS,
    ClientIdentity,
    ClientLimits,
    Policy,
    SlowDown,
    TokenBucket,
    WritesPausedError,
)
from app.core.settings import SettingValue, spec_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeSettings:
    def __init__(self, **overrides: SettingValue) -> None:
        self.values = {key.replace("__", "."): value for key, value in overrides.items()}

    def __call__(self, key: str) -> SettingValue:
        return self.values.get(key, spec_for(key).default)


def client(name: str) -> ClientIdentity:
    return ClientIdentity(name, frozenset({"read"}), None, Policy.ALLOW, 1)


def test_bucket_refills_at_its_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2, 1.0, clock)
    bucket.take()
    bucket.take()
    assert bucket.wait_time() == pytest.approx(1.0)
    clock.now += 0.5
    assert bucket.wait_time() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.wait_time() == 0


def test_default_burst_then_slow_down_then_recover() -> None:
    clock = FakeClock()
    limits = ClientLimits(clock, FakeSettings())
    me = client("Cursor")
    for _ in range(240):
        limits.check(me)
    with pytest.raises(SlowDown, match=r"Slow down.*retry in 1 s") as caught:
        limits.check(me)
    assert caught.value.retry_after == pytest.approx(0.5)  # 120 a minute = one per 0.5 s
    clock.now += 0.5
    limits.check(me)


def test_each_client_has_its_own_bucket() -> None:
    limits = ClientLimits(FakeClock(), FakeSettings(client__burst=3))
    for _ in range(3):
        limits.check(client("a"))
    with pytest.raises(SlowDown):
        limits.check(client("a"))
    limits.check(client("b"))
    limits.check(ANONYMOUS)


def test_writes_have_a_tighter_bucket() -> None:
    clock = FakeClock()
    limits = ClientLimits(clock, FakeSettings())
    me = client("Cursor")
    for _ in range(30):
        limits.check(me, write=True)
    with pytest.raises(SlowDown, match="limit for writes; retry in 2 s") as caught:
        limits.check(me, write=True)
    assert caught.value.retry_after == pytest.approx(2.0)
    limits.check(me)  # reads still pass
    clock.now += 2.0
    limits.check(me, write=True)


def test_a_refused_call_is_not_counted() -> None:
    clock = FakeClock()
    limits = ClientLimits(clock, FakeSettings(client__writes_per_minute=1, client__burst=5))
    me = client("Cursor")
    limits.check(me, write=True)
    for _ in range(3):
        with pytest.raises(SlowDown):
            limits.check(me, write=True)
    for _ in range(4):  # the refused writes took no call token: 1 + 4 of 5
        limits.check(me)
    with pytest.raises(SlowDown, match="tool calls"):
        limits.check(me)


def test_changed_settings_apply_at_once() -> None:
    fake = FakeSettings(client__burst=1)
    limits = ClientLimits(FakeClock(), fake)
    limits.check(client("a"))
    with pytest.raises(SlowDown):
        limits.check(client("a"))
    fake.values["client.burst"] = 10
    limits.check(client("a"))


def test_pause_stops_writes_but_not_reads() -> None:
    fake = FakeSettings(mcp__paused=True)
    limits = ClientLimits(FakeClock(), fake)
    with pytest.raises(WritesPausedError, match="paused AI writes"):
        limits.check(client("a"), write=True)
    limits.check(client("a"))
    fake.values["mcp.paused"] = False
    limits.check(client("a"), write=True)


def test_reads_real_settings_from_the_db(db: object) -> None:
    from app.core import settings

    settings.upsert_defaults()
    settings.set_value("mcp.paused", True)
    with pytest.raises(WritesPausedError):
        ClientLimits(FakeClock()).check(client("a"), write=True)
