"""Benchmark: Order Desk requests per uncontested ``orders_update`` through the MCP tool.

Runs the sandbox Order Desk in this process, registers it as a store in a temp data folder
(API key in the encrypted vault, so no keychain is needed), adds an AI client with policy
``allow``, starts ``orderdesk-mcp serve --listen`` and calls ``orders_update`` over the local
socket with the in-repo MCP client transport. For each call it counts the requests that reached
the sandbox; the target is exactly 2 (one GET, one PUT). It also prints the GET->PUT window the
ledger recorded.

Exits non-zero when a call costs anything but 2. Usage:
``.venv/bin/python bench/bench_update_requests.py [--calls N]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

from mcp import ClientSession
from serving import API_KEY, STORE_ID, cli, environment, start_listen

from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local_client import local_client_transport
from app.sandbox import SandboxServer, SandboxStore, SandboxStoreSpec

TARGET = 2


async def measure(
    info: EndpointInfo, token: str, od_store: SandboxStore, calls: int
) -> tuple[list[int], list[float]]:
    """Call orders_update ``calls`` times; return requests per call and recorded windows."""
    order_id = next(iter(od_store.orders))
    counts, windows = [], []
    async with (
        local_client_transport(info, token, "bench") as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        for number in range(calls):
            before = od_store.request_count()
            changes = {"email": f"bench{number}@example.com"}
            result = await session.call_tool(
                "orders_update", {"order_id": order_id, "changes": changes}
            )
            if result.is_error or not result.structured_content:
                raise SystemExit(f"orders_update failed: {result.content}")
            counts.append(od_store.request_count() - before)
            windows.append(float(result.structured_content.get("read_to_write_ms") or 0.0))
    return counts, windows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=20, inventory=3)
    with SandboxServer([spec], rate_limit=True) as sandbox, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = environment(home)
        url = sandbox.base_url
        cli(env, "stores", "add", "Bench", "--store-id", STORE_ID, "--api-url", url, stdin=API_KEY)
        token = cli(env, "clients", "add", "bench", "--scopes", "all", "--policy", "allow")
        proc, info = start_listen(env)
        try:
            counts, windows = asyncio.run(
                measure(info, token.strip(), sandbox.store(STORE_ID), args.calls)
            )
        finally:
            proc.terminate()
            proc.wait(30)
    print(
        f"orders_update under policy allow, MCP over the local socket, {len(counts)} calls:"
        f" requests per call = {statistics.median(counts):g} (min {min(counts)}, max"
        f" {max(counts)}; target {TARGET}); GET->PUT window median"
        f" {statistics.median(windows):.1f} ms, max {max(windows):.1f} ms"
    )
    return 0 if set(counts) == {TARGET} else 1


if __name__ == "__main__":
    sys.exit(main())
