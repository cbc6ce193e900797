"""``serve --listen --demo``: the demo store's index fills in the background and
``orders_search`` answers from it through the shim."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from app.demo import DEMO_ORDERS
from tests.processes import client_token, serving

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="POSIX signals and sockets"),
    pytest.mark.slow,
]


def _wait_for_index_file(home: Path, deadline: float) -> None:
    while not list((home / "index").glob("orders-*.sqlite3")):
        assert time.monotonic() < deadline, "serve did not start syncing the demo store's index"
        time.sleep(0.05)


async def _search_until_ready(client: Client, deadline: float) -> dict[str, Any]:
    """Call orders_search until the index says ``ready`` (or the deadline passes)."""
    while True:
        result = await client.call_tool("orders_search", {"limit": 5})
        assert not result.is_error, result.content
        data: dict[str, Any] = result.structured_content or {}
        if data["index"]["state"] == "ready" or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.1)  # poll interval; the deadline bounds the wait


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_orders_search_through_the_shim_after_the_first_sync(
    data_home: Path, mode: str
) -> None:
    token = client_token(data_home, "Searcher")
    with serving(data_home, "--demo") as (proc, _):
        _wait_for_index_file(data_home, time.monotonic() + 30)  # serve started the sync itself
        params = StdioServerParameters(
            command=sys.executable,
            args=["-m", "app.cli", "--no-launch"],
            env={
                **os.environ,
                "ORDERDESK_TRAY_HOME": str(data_home),
                "ORDERDESK_TRAY_TOKEN": token,
            },
        )
        async with Client(params, mode=mode, cache=None) as client:  # type: ignore[arg-type]
            ready = await _search_until_ready(client, time.monotonic() + 60)
            assert ready["index"]["state"] == "ready", ready["index"]
            assert ready["index"]["count"] == DEMO_ORDERS and ready["index"]["last_synced_at"]
            assert ready["page"]["total"] == DEMO_ORDERS and len(ready["orders"]) == 5
            email = ready["orders"][0]["untrusted"]["email"]
            found = await client.call_tool("orders_search", {"query": email})
            ids = [row["id"] for row in (found.structured_content or {})["orders"]]
            assert ready["orders"][0]["id"] in ids
            stats = await client.call_tool("orders_stats", {"group_by": "source"})
            assert (stats.structured_content or {})["count"] == DEMO_ORDERS
            assert "Shopify" in json.dumps(stats.structured_content)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0
