"""``orderdesk-mcp index sync | status`` against a sandbox store registered with the CLI."""

from __future__ import annotations

import io
import json

import pytest

from app.commands import run_command
from app.sandbox import SandboxServer
from tests.core.index.conftest import API_KEY, ORDERS, STORE_ID
from tests.core.secrets.memory_keyring import MemoryKeyring


@pytest.fixture
def shop(
    sandbox_server: SandboxServer, test_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Register the sandbox store as ``shop`` through the CLI."""
    monkeypatch.setattr("sys.stdin", io.StringIO(API_KEY + "\n"))
    argv = ["stores", "add", "shop", "--store-id", STORE_ID, "--api-url", sandbox_server.base_url]
    assert run_command(argv) == 0
    return "shop"


def test_index_sync_then_status(shop: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_command(["index", "status", shop]) == 0
    assert "empty, 0 orders, synced never" in capsys.readouterr().out

    assert run_command(["index", "sync", shop]) == 0
    err = capsys.readouterr().err
    assert f"full: {ORDERS}/{ORDERS} orders" in err
    assert f"{ORDERS} orders written (full sync, 3 requests" in err
    assert API_KEY not in err

    assert run_command(["index", "sync", shop, "--full"]) == 0
    assert "full sync" in capsys.readouterr().err

    assert run_command(["index", "status", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["store"] == shop and row["orders"] == ORDERS and row["state"] == "ready"
    assert row["last_synced_at"] and row["size_bytes"] > 0


def test_unknown_store_is_an_error_with_a_hint(
    shop: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_command(["index", "sync", "nope"]) == 1
    assert "shop" in capsys.readouterr().err
    assert run_command(["index", "sync"]) == 2
