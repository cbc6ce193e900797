"""Fixtures: a started sandbox with a small store, and an httpx client for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.sandbox import SandboxServer, SandboxStoreSpec

STORE_ID = "100001"
API_KEY = "test-key-0123456789"


def auth_headers(store_id: str = STORE_ID, api_key: str = API_KEY) -> dict[str, str]:
    """Headers Order Desk wants on every request."""
    return {"ORDERDESK-STORE-ID": store_id, "ORDERDESK-API-KEY": api_key}


@pytest.fixture
def spec() -> SandboxStoreSpec:
    return SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=200, inventory=60, seed=1)


@pytest.fixture
def server(spec: SandboxStoreSpec) -> Iterator[SandboxServer]:
    with SandboxServer(stores=[spec], rate_limit=False) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, headers=auth_headers(), timeout=10) as http:
        yield http
