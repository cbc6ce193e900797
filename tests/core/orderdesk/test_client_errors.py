"""Error mapping, retries, the no-blind-POST-retry rule, key redaction and logging."""

from __future__ import annotations

import logging

import httpx
import pytest

from app.core.orderdesk import (
    AuthError,
    ConflictError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    OrderDeskError,
    RateLimitedError,
    RequestTimeout,
    RetryPolicy,
    ServerError,
    StoreBusyError,
    ValidationError,
)
from app.core.orderdesk.limiter import WAIT_REPORT
from tests.core.orderdesk.conftest import API_KEY, ClientFactory
from tests.core.orderdesk.fakes import FakeClock, ScriptedServer, envelope


def failure(status: int, message: str = "nope", **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"status": "error", "message": message}, headers=headers)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ValidationError),
        (401, AuthError),
        (403, AuthError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (418, OrderDeskError),
    ],
)
async def test_status_maps_to_error_class(
    mock_client: ClientFactory, status: int, kind: type[OrderDeskError]
) -> None:
    server = ScriptedServer(failure(status, "Server says no"))
    with pytest.raises(kind) as caught:
        await mock_client(server).get_order("7")
    error = caught.value
    assert type(error) is kind
    assert (error.status, error.method, error.path, error.message) == (
        status,
        "GET",
        "/orders/7",
        "Server says no",
    )
    assert len(server.requests) == 1


async def test_auth_error_reads_clearly(mock_client: ClientFactory) -> None:
    server = ScriptedServer(failure(401, "Invalid API Key"))
    with pytest.raises(AuthError) as caught:
        await mock_client(server).test_connection()
    assert str(caught.value) == (
        "Order Desk rejected the store ID or API key (GET /test, HTTP 401: Invalid API Key)."
        " Check the store ID and API key (Order Desk: Store Settings > API)."
    )


async def test_success_status_with_error_envelope_fails(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(status="error", message="Duplicate order, existing id 77"))
    with pytest.raises(ValidationError, match="existing id 77"):
        await mock_client(server).create_order({"source_id": "X"})
    server = ScriptedServer(envelope(status="error", message="Order not found"))
    with pytest.raises(NotFoundError):
        await mock_client(server).get_order("1")


@pytest.mark.parametrize(
    ("response", "text"),
    [
        (httpx.Response(200, content=b"<html>oops</html>"), "not JSON"),
        (httpx.Response(200, content=b""), "not JSON"),
        (httpx.Response(200, json=[1, 2]), "not an object"),
        (httpx.Response(200, json={"status": "success"}), "no 'order' object"),
        (httpx.Response(200, json={"status": "success", "order": "x"}), "no 'order' object"),
    ],
)
async def test_invalid_responses_fail_clearly(
    mock_client: ClientFactory, response: httpx.Response, text: str
) -> None:
    with pytest.raises(InvalidResponseError, match=text):
        await mock_client(ScriptedServer(response)).get_order("1")


async def test_bad_list_shape_is_invalid(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(shipments="nope"))
    with pytest.raises(InvalidResponseError, match="shipments"):
        await mock_client(server).list_shipments("1")


async def test_non_json_error_body_keeps_the_status(mock_client: ClientFactory) -> None:
    server = ScriptedServer(httpx.Response(502, content=b"<html>Bad gateway</html>"))
    with pytest.raises(ServerError, match="not JSON") as caught:
        await mock_client(server, retry=RetryPolicy(max_attempts=1)).get_order("1")
    assert caught.value.status == 502


async def test_get_retries_503_then_succeeds(mock_client: ClientFactory, clock: FakeClock) -> None:
    server = ScriptedServer(failure(503), failure(503), failure(503), envelope(order={"id": "1"}))
    order = await mock_client(server).get_order("1")
    assert order.id == "1"
    assert len(server.requests) == 4
    assert clock.sleeps == [0.25, 0.5, 1.0]  # full jitter with random() = 0.5


async def test_retries_are_bounded(mock_client: ClientFactory) -> None:
    server = ScriptedServer(failure(500))
    with pytest.raises(ServerError):
        await mock_client(server, retry=RetryPolicy(max_attempts=3, sleep=_no_sleep)).get_order("1")
    assert len(server.requests) == 3


async def _no_sleep(seconds: float) -> None:
    return None


async def test_429_honours_x_retry_after(mock_client: ClientFactory, clock: FakeClock) -> None:
    server = ScriptedServer(
        failure(429, "Too Many Requests", **{"X-Retry-After": "2", "X-Tokens-Remaining": "0"}),
        envelope(order={"id": "1"}, headers={"X-Tokens-Remaining": "18"}),
    )
    client = mock_client(server)
    await client.get_order("1")
    assert len(server.requests) == 2
    assert clock.now == pytest.approx(2)


async def test_429_falls_back_to_retry_after(mock_client: ClientFactory, clock: FakeClock) -> None:
    server = ScriptedServer(failure(429, **{"Retry-After": "3"}), envelope(order={"id": "1"}))
    await mock_client(server).get_order("1")
    assert clock.now == pytest.approx(3)


async def test_429_on_post_is_retried(mock_client: ClientFactory) -> None:
    server = ScriptedServer(failure(429, **{"X-Retry-After": "1"}), envelope(order={"id": "9"}))
    order = await mock_client(server).create_order({"source_id": "A"})
    assert order.id == "9" and len(server.requests) == 2


async def test_persistent_429_waits_its_turn_until_the_deadline_then_says_who_is_busy(
    mock_client: ClientFactory, clock: FakeClock
) -> None:
    server = ScriptedServer(failure(429, **{"X-Retry-After": "1"}))
    policy = RetryPolicy(max_attempts=2, sleep=clock.sleep, wait_deadline=10)
    heard: list[tuple[float, float]] = []
    reset = WAIT_REPORT.set(lambda waited, deadline, _: heard.append((waited, deadline)))
    try:
        with pytest.raises(StoreBusyError) as caught:
            await mock_client(server, retry=policy).get_order("1")
    finally:
        WAIT_REPORT.reset(reset)
    assert isinstance(caught.value, RateLimitedError) and caught.value.retry_after == 1
    assert "Another app is using this store's Order Desk allowance" in str(caught.value)
    assert "orderdesk.wait_deadline" in str(caught.value)
    assert len(server.requests) == 11  # not max_attempts: a 429 is a turn not yet given
    assert [waited for waited, _ in heard] == [float(n) for n in range(10)]
    assert {deadline for _, deadline in heard} == {10}


async def test_429_without_retries_fails_at_once(
    mock_client: ClientFactory, clock: FakeClock
) -> None:
    server = ScriptedServer(failure(429, **{"X-Retry-After": "1"}))
    with pytest.raises(RateLimitedError) as caught:
        await mock_client(server, retry=RetryPolicy(max_attempts=1)).get_order("1")
    assert not isinstance(caught.value, StoreBusyError) and len(server.requests) == 1


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("read timed out"),
        httpx.RemoteProtocolError("Server disconnected"),
        httpx.ReadError("connection reset"),
        httpx.ConnectError("refused"),
    ],
)
async def test_get_survives_network_failures(mock_client: ClientFactory, exc: Exception) -> None:
    server = ScriptedServer(exc, envelope(order={"id": "1"}))
    assert (await mock_client(server).get_order("1")).id == "1"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("response", "kind"),
    [
        (httpx.ReadTimeout("read timed out"), RequestTimeout),
        (httpx.RemoteProtocolError("Server disconnected"), NetworkError),
        (failure(500), ServerError),
    ],
)
async def test_post_that_may_have_happened_is_reported_not_repeated(
    mock_client: ClientFactory, response: Exception | httpx.Response, kind: type[OrderDeskError]
) -> None:
    server = ScriptedServer(response, envelope(order={"id": "1"}))
    with pytest.raises(kind) as caught:
        await mock_client(server).create_order({"source_id": "A"})
    assert len(server.requests) == 1
    assert caught.value.may_have_applied
    assert "may have reached Order Desk" in str(caught.value)


async def test_post_timeout_is_a_timeout_error(mock_client: ClientFactory) -> None:
    server = ScriptedServer(httpx.ReadTimeout("slow"))
    with pytest.raises(TimeoutError):
        await mock_client(server).add_shipment("1", {"tracking_number": "n/a"})


async def test_post_retried_when_connection_never_opened(mock_client: ClientFactory) -> None:
    server = ScriptedServer(httpx.ConnectError("refused"), envelope(order={"id": "1"}))
    assert (await mock_client(server).create_order({})).id == "1"
    assert len(server.requests) == 2


async def test_delete_retried_after_timeout_treats_404_as_done(mock_client: ClientFactory) -> None:
    server = ScriptedServer(httpx.ReadTimeout("slow"), failure(404, "Order not found"))
    result = await mock_client(server).delete_order("5")
    assert result.message == "Already deleted."
    assert [r.method for r in server.requests] == ["DELETE", "DELETE"]


async def test_delete_of_unknown_record_is_not_found(mock_client: ClientFactory) -> None:
    with pytest.raises(NotFoundError):
        await mock_client(ScriptedServer(failure(404))).delete_order("5")


async def test_api_key_never_in_messages_or_logs(
    mock_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="app.core.orderdesk")
    server = ScriptedServer(
        failure(503, f"bad key {API_KEY}"),
        httpx.ConnectError(f"cannot reach host with {API_KEY}"),
        failure(401, f"Invalid key {API_KEY}"),
    )
    with pytest.raises(AuthError) as caught:
        await mock_client(server).get_order("1")
    assert API_KEY not in str(caught.value)
    assert "[redacted]" in str(caught.value)
    assert caught.value.__cause__ is None
    assert caplog.records
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


async def test_each_request_is_logged_with_status_and_tokens(
    mock_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="app.core.orderdesk")
    server = ScriptedServer(envelope(order={"id": "1"}, headers={"X-Tokens-Remaining": "17"}))
    await mock_client(server).get_order("1")
    (record,) = [r for r in caplog.records if r.name == "app.core.orderdesk.connection"]
    assert "GET /orders/1 -> 200" in record.getMessage()
    assert "tokens remaining 17" in record.getMessage()


async def test_responses_feed_the_limiter(mock_client: ClientFactory) -> None:
    server = ScriptedServer(envelope(order={"id": "1"}, headers={"X-Tokens-Remaining": "4"}))
    client = mock_client(server)
    await client.get_order("1")
    assert client.limiter.tokens == pytest.approx(4)


async def test_get_refuses_a_body(mock_client: ClientFactory) -> None:
    client = mock_client(ScriptedServer(envelope()))
    with pytest.raises(ValueError, match="no body"):
        await client._conn.request("GET", "/test", body={"x": 1})
