"""The per-store leaky bucket, with a fake clock instead of sleeping."""

from __future__ import annotations

import httpx

from app.sandbox import SandboxServer, SandboxStoreSpec
from app.sandbox.bucket import LeakyBucket
from tests.sandbox.conftest import auth_headers


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_takes_tokens_and_refills() -> None:
    clock = FakeClock()
    bucket = LeakyBucket(clock=clock)
    answers = [bucket.take() for _ in range(21)]
    assert [a.remaining for a in answers[:20]] == list(range(19, -1, -1))
    assert not answers[20].allowed and answers[20].retry_after == 1
    clock.now += 0.5
    assert bucket.remaining() == 1
    clock.now += 100
    assert bucket.remaining() == 20


def test_disabled_bucket_always_allows() -> None:
    bucket = LeakyBucket(enabled=False, clock=FakeClock())
    assert all(bucket.take().allowed for _ in range(100))
    assert bucket.remaining() == 20


def test_server_answers_429_with_headers_per_store() -> None:
    clock = FakeClock()
    specs = [SandboxStoreSpec(orders=5), SandboxStoreSpec(store_id="2", api_key="k2", orders=5)]
    with (
        SandboxServer(stores=specs, rate_limit=True, clock=clock) as server,
        httpx.Client(
            base_url=server.base_url, headers=auth_headers("100001", specs[0].api_key)
        ) as http,
    ):
        remaining = [int(http.get("/test").headers["X-Tokens-Remaining"]) for _ in range(20)]
        assert remaining == list(range(19, -1, -1))
        limited = http.get("/test")
        assert limited.status_code == 429 and limited.json()["status"] == "error"
        assert limited.headers["X-Retry-After"] == "1"
        assert limited.headers["X-Tokens-Remaining"] == "0"
        other = http.get("/test", headers=auth_headers("2", "k2"))
        assert other.status_code == 200 and other.headers["X-Tokens-Remaining"] == "19"
        clock.now += 1.0
        assert [http.get("/test").status_code for _ in range(4)] == [200, 200, 200, 429]
        server.rate_limit = False
        assert http.get("/test").headers["X-Tokens-Remaining"] == "20"
