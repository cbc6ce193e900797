"""Each fault kind, seen from an httpx client."""

from __future__ import annotations

import json

import httpx
import pytest

from app.sandbox import Fault, SandboxServer
from tests.sandbox.conftest import auth_headers


def test_status_fault_fires_n_times(client: httpx.Client, server: SandboxServer) -> None:
    fault = server.add_fault(Fault(method="GET", path="/orders/*", kind="status", times=3))
    order_id = next(iter(server.store().orders))
    statuses = [client.get(f"/orders/{order_id}").status_code for _ in range(4)]
    assert statuses == [503, 503, 503, 200] and fault.fired == 3 and fault.remaining == 0
    assert client.get("/orders").status_code == 200


def test_429_fault_carries_retry_after(client: httpx.Client, server: SandboxServer) -> None:
    server.add_fault(Fault(path="/api/v2/test", kind="status", status=429, retry_after=7))
    response = client.get("/test")
    assert response.status_code == 429 and response.headers["X-Retry-After"] == "7"
    assert "X-Tokens-Remaining" in response.headers
    assert response.json()["status"] == "error"


def test_fault_matches_method(client: httpx.Client, server: SandboxServer) -> None:
    server.add_fault(Fault(method="POST", path="/orders", kind="status", status=500))
    assert client.get("/orders").status_code == 200
    assert client.post("/orders", json={}).status_code == 500


def test_fault_matches_store(client: httpx.Client, server: SandboxServer) -> None:
    fault = server.add_fault(Fault(kind="drop", store_id="other"))
    assert client.get("/test").status_code == 200 and fault.fired == 0
    server.clear_faults()


def test_delay_fault_causes_client_timeout(server: SandboxServer) -> None:
    server.add_fault(Fault(path="/test", kind="delay", seconds=30))
    with httpx.Client(base_url=server.base_url, headers=auth_headers(), timeout=0.3) as http:
        with pytest.raises(httpx.ReadTimeout):
            http.get("/test")
        assert http.get("/store").status_code == 200


def test_drop_fault_closes_connection(client: httpx.Client, server: SandboxServer) -> None:
    server.add_fault(Fault(method="PUT", path="/orders/*", kind="drop"))
    order_id = next(iter(server.store().orders))
    with pytest.raises(httpx.RemoteProtocolError):
        client.put(f"/orders/{order_id}", json={})
    assert client.get("/test").status_code == 200


def test_invalid_json_fault(client: httpx.Client, server: SandboxServer) -> None:
    server.add_fault(Fault(path="/orders", kind="invalid_json"))
    response = client.get("/orders")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    server.add_fault(Fault(path="/test", kind="invalid_json", status=502, body="<html>oops"))
    gateway = client.get("/test")
    assert gateway.status_code == 502 and gateway.text == "<html>oops"


def test_concurrent_edit_lands_after_the_read(client: httpx.Client, server: SandboxServer) -> None:
    order_id = next(iter(server.store().orders))
    changes = {"shipping": {"city": "Lyon"}, "tag_name": "edited"}
    server.add_fault(Fault(method="GET", path="/orders/*", kind="concurrent_edit", changes=changes))
    read = client.get(f"/orders/{order_id}").json()["order"]
    fresh = client.get(f"/orders/{order_id}").json()["order"]
    assert read["shipping"]["city"] != "Lyon"
    assert fresh["shipping"]["city"] == "Lyon" and fresh["tag_name"] == "edited"
    assert fresh["shipping"]["first_name"] == read["shipping"]["first_name"]
    assert fresh["date_updated"] > read["date_updated"]


def test_fault_validation() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault(kind="explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="changes"):
        Fault(kind="concurrent_edit")
