"""Benchmark: how many tokens the MCP surface costs a model, against the result budget.

Starts ``orderdesk-mcp serve --listen --demo`` in a temp data folder (the sandbox Demo Store),
registers one client per scope set and talks to the server through the real local socket
transport with the SDK client. It prints, as tables:

* the size of ``tools/list`` (and the instructions) for each scope set: read-only, the write
  scopes a typical assistant gets, and all scopes; target <= 6,000 tokens for all scopes;
* the size of ``orders_list``, ``orders_search`` and ``products_list`` results at every detail
  level and several page sizes, against the result budget (setting
  ``mcp.result_budget_tokens``, default 8,000): each must fit, and a cut page must hand back a
  ``next_offset``.

Tokens are estimated as characters / 4 of the JSON text the model reads (what clients such as
Claude Code count against their limits). Exits non-zero when a target is missed.
Usage: ``.venv/bin/python bench/bench_tokens.py``
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mcp_types as types
from mcp import ClientSession
from serving import start_listen

from app.core.db import close_db, init_db
from app.core.db.tokens import SCOPES, create_token
from app.mcp.shaping.budget import DEFAULT_BUDGET_TOKENS, tokens
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local_client import local_client_transport

TOOLS_TARGET = 6000
SCOPE_SETS = {
    "read": ("read",),
    "assistant": ("read", "write-notes", "write-shipments", "move"),
    "all": SCOPES,
}
PAGES = (10, 25, 50, 100, 500)
SEARCH_PAGES = (10, 25, 50, 100, 500)
DETAILS = ("summary", "standard", "full")


def register(home: Path) -> dict[str, str]:
    """One client token per scope set, written into the data folder before serving."""
    init_db(home / "orderdesk-tray.db")
    try:
        return {
            name: create_token(f"bench-{name}", scopes)[1] for name, scopes in SCOPE_SETS.items()
        }
    finally:
        close_db()


def wire_tokens(model: Any) -> int:
    """Tokens of a result as it travels (camelCase JSON, no nulls)."""
    return tokens(model.model_dump(mode="json", by_alias=True, exclude_none=True))


def text_tokens(result: types.CallToolResult) -> int:
    """Tokens of the text a model is shown (summary + JSON text)."""
    text = " ".join(c.text for c in result.content if isinstance(c, types.TextContent))
    return (len(text) + 3) // 4


async def tool_list_sizes(info: EndpointInfo, tokens_by_set: dict[str, str]) -> list[str]:
    rows = [f"{'scope set':<10} {'tools':>5} {'tools/list tokens':>18} {'instructions':>13}"]
    failed = False
    for name, token in tokens_by_set.items():
        async with (
            local_client_transport(info, token, f"bench-{name}") as (read, write),
            ClientSession(read, write) as session,
        ):
            init = await session.initialize()
            listed = await session.list_tools()
        size = wire_tokens(listed)
        instructions = (len(init.instructions or "") + 3) // 4
        rows.append(f"{name:<10} {len(listed.tools):>5} {size:>18,} {instructions:>13,}")
        failed |= name == "all" and size > TOOLS_TARGET
    rows.append(f"target: tools/list <= {TOOLS_TARGET:,} tokens for all scopes")
    if failed:
        rows.append("MISSED")
    return rows


async def wait_for_index(session: ClientSession) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        result = await session.call_tool("orders_search", {"limit": 1})
        state = (result.structured_content or {}).get("index", {}).get("state")
        if state == "ready":
            return
        await asyncio.sleep(0.5)
    raise SystemExit("the demo store's local index did not become ready")


async def result_sizes(info: EndpointInfo, token: str) -> tuple[list[str], bool]:
    rows = [
        f"{'tool':<14} {'detail':<9} {'limit':>5} {'returned':>8} {'tokens':>7} "
        f"{'budget':>7} {'cut':>4} {'next_offset':>11}"
    ]
    ok = True
    async with (
        local_client_transport(info, token, "bench-all") as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        await wait_for_index(session)
        for tool, pages in (
            ("orders_list", PAGES),
            ("orders_search", SEARCH_PAGES),
            ("products_list", PAGES),
        ):
            for detail in DETAILS:
                for limit in pages:
                    if tool == "orders_search" and detail == "full" and limit > 20:
                        continue  # the tool refuses: full detail reads each order live
                    args = {"limit": limit, "detail": detail}
                    result = await session.call_tool(tool, args)
                    data: dict[str, Any] = result.structured_content or {}
                    if result.is_error:
                        rows.append(f"{tool:<14} {detail:<9} {limit:>5} ERROR {result.content}")
                        ok = False
                        continue
                    size = tokens(data)
                    page = data.get("page", {})
                    cut = "budget" in data
                    rows.append(
                        f"{tool:<14} {detail:<9} {limit:>5} {page.get('returned', 0):>8} "
                        f"{size:>7,} {DEFAULT_BUDGET_TOKENS:>7,} {'yes' if cut else '':>4} "
                        f"{page.get('next_offset')!s:>11}"
                    )
                    ok &= size <= DEFAULT_BUDGET_TOKENS
                    ok &= not cut or page.get("next_offset") is not None
    return rows, ok


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="odt-tokens-") as tmp:
        home = Path(tmp)
        tokens_by_set = register(home)
        proc, info = start_listen(
            dict(os.environ, ORDERDESK_TRAY_HOME=str(home)), "--demo", timeout=90
        )
        try:
            listing = asyncio.run(tool_list_sizes(info, tokens_by_set))
            results, ok = asyncio.run(result_sizes(info, tokens_by_set["all"]))
        finally:
            proc.terminate()
            proc.wait(30)
    print("\n".join(listing))
    print()
    print("\n".join(results))
    print("tokens = characters / 4 of the JSON a model reads; data: the sandbox Demo Store")
    return 0 if ok and "MISSED" not in listing else 1


if __name__ == "__main__":
    sys.exit(main())
