"""Failure handling against the sandbox: retries, no repeated POST, clear errors, no 429s."""

from __future__ import annotations

import asyncio

import pytest

from app.core.orderdesk import (
    AuthError,
    InvalidResponseError,
    NotFoundError,
    RequestTimeout,
)
from app.sandbox import Fault
from tests.core.orderdesk.conftest import API_KEY, Sandbox
from tests.core.orderdesk.fakes import CountingTransport


async def an_order_id(sandbox: Sandbox) -> str:
    return next(iter(sandbox.store.orders))


async def test_get_survives_429_with_retry_after(sandbox: Sandbox) -> None:
    order_id = await an_order_id(sandbox)
    sandbox.server.add_fault(
        Fault(method="GET", path="/orders/*", kind="status", status=429, retry_after=1)
    )
    transport = CountingTransport()
    order = await sandbox.client(transport=transport).get_order(order_id)
    assert order.id == order_id
    assert transport.statuses == [429, 200]


async def test_get_survives_three_503s(sandbox: Sandbox) -> None:
    order_id = await an_order_id(sandbox)
    sandbox.server.add_fault(
        Fault(method="GET", path="/orders/*", kind="status", status=503, times=3)
    )
    transport = CountingTransport()
    assert (await sandbox.client(transport=transport).get_order(order_id)).id == order_id
    assert transport.statuses == [503, 503, 503, 200]


async def test_get_survives_a_timeout(sandbox: Sandbox) -> None:
    order_id = await an_order_id(sandbox)
    sandbox.server.add_fault(Fault(method="GET", path="/orders/*", kind="delay", seconds=3))
    sandbox.store.reset_counts()
    assert (await sandbox.client(timeout=0.5).get_order(order_id)).id == order_id
    assert sandbox.store.request_count("GET", "/orders/") == 2


async def test_get_survives_a_dropped_connection(sandbox: Sandbox) -> None:
    order_id = await an_order_id(sandbox)
    sandbox.server.add_fault(Fault(method="GET", path="/orders/*", kind="drop"))
    sandbox.store.reset_counts()
    assert (await sandbox.client().get_order(order_id)).id == order_id
    assert sandbox.store.request_count("GET", "/orders/") == 2


async def test_post_that_times_out_is_reported_not_repeated(sandbox: Sandbox) -> None:
    sandbox.server.add_fault(Fault(method="POST", path="/orders", kind="delay", seconds=3))
    sandbox.store.reset_counts()
    body = {
        "source_id": "TIMEOUT-1",
        "shipping": {"first_name": "Ann"},
        "order_items": [{"name": "Mug", "price": "5", "quantity": 1}],
    }
    with pytest.raises(RequestTimeout) as caught:
        await sandbox.client(timeout=0.5).create_order(body)
    assert caught.value.may_have_applied
    assert "may have reached Order Desk" in str(caught.value)
    assert sandbox.store.request_count("POST", "/orders") == 1


async def test_wrong_credentials(sandbox: Sandbox) -> None:
    client = sandbox.client(api_key="wrong-key-123")
    with pytest.raises(AuthError) as caught:
        await client.test_connection()
    text = str(caught.value)
    assert caught.value.status in (401, 403)
    assert "Check the store ID and API key" in text
    assert "wrong-key-123" not in text and API_KEY not in text


async def test_unknown_order(sandbox: Sandbox) -> None:
    with pytest.raises(NotFoundError) as caught:
        await sandbox.client().get_order("999999999")
    assert caught.value.status == 404
    assert caught.value.path == "/orders/999999999"


async def test_invalid_json(sandbox: Sandbox) -> None:
    order_id = await an_order_id(sandbox)
    sandbox.server.add_fault(Fault(method="GET", path="/orders/*", kind="invalid_json"))
    with pytest.raises(InvalidResponseError, match="not JSON"):
        await sandbox.client().get_order(order_id)


async def test_a_burst_queues_instead_of_hitting_429(sandbox: Sandbox) -> None:
    transport = CountingTransport()
    client = sandbox.client(transport=transport)
    ids = list(sandbox.store.orders)[:26]
    orders = await asyncio.gather(*(client.get_order(order_id) for order_id in ids))
    assert [order.id for order in orders] == ids
    assert transport.statuses == [200] * 26
