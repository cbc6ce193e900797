"""A read answered on stdio before the MCP SDK loads is the SDK's answer, byte for byte on the
wire (as parsed JSON, ages aside); a write is never answered early and runs once.

Both sessions run the real stdio path (:class:`~app.mcp.transport.early.EarlyStdio` on pipes,
the SDK's ``stdio_server``, the app's server) over the same services: the first one with no
remembered handshake (the SDK answers everything), the second with it (the stdio layer answers
``initialize`` and the read-only calls before the SDK is started at all).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from typing import Any

import pytest

from app.mcp.server import McpContext, build_server
from app.mcp.tools import all_tools
from app.mcp.transport.early import EarlyStdio
from app.mcp.transport.early_tools import EarlyTools
from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import SessionState
from app.mcp.transport.stdio import serve_stdio
from app.sandbox import DEMO_STORE_ID, SandboxServer
from tests.mcp.tools.conftest import make_identity
from tests.processes import INITIALIZED, initialize_request

VERSIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
"""The handshake-era protocol revisions the SDK serves (each has its own result filter)."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")

WAIT_S = 60.0
AGE = re.compile(r"\d+ s ago")
HISTORY_ADD = "order_history_add"


class Wire:
    """The client's end of one stdio session on pipes; the server side is an EarlyStdio."""

    def __init__(self) -> None:
        self.server_in, self.client_out = os.pipe()
        self.client_in, self.server_out = os.pipe()
        self.early = EarlyStdio(self.server_in, self.server_out, lambda: None).start()
        self.replies = open(self.client_in, "rb")  # noqa: SIM115 - closed in close()

    def send(self, message: dict[str, Any]) -> None:
        os.write(self.client_out, json.dumps(message).encode() + b"\n")

    async def reply(self) -> dict[str, Any]:
        line = await asyncio.wait_for(asyncio.to_thread(self.replies.readline), WAIT_S)
        return dict(json.loads(line))

    async def answers(self, *ids: int) -> list[dict[str, Any]]:
        """The answers to ``ids`` (in any order, each once), in the order of ``ids``."""
        got: dict[int, dict[str, Any]] = {}
        while len(got) < len(ids):
            message = await self.reply()
            if "id" in message:
                assert message["id"] in ids and message["id"] not in got, message
                got[message["id"]] = message
        return [got[request_id] for request_id in ids]

    def close(self) -> None:
        os.close(self.client_out)
        self.early._reader.join(WAIT_S)
        self.early.close()
        for fd in (self.server_out, self.server_in):
            os.close(fd)
        self.replies.close()


def call(request_id: int, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    params = {"name": name, "arguments": arguments}
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def without_ages(node: Any) -> Any:
    """``node`` with its ages (``age_seconds``, "N s ago") blanked; JSON text parsed."""
    if isinstance(node, dict):
        return {k: without_ages(v) for k, v in node.items() if k != "age_seconds"}
    if isinstance(node, list):
        return [without_ages(item) for item in node]
    if isinstance(node, str):
        if node.startswith("{"):
            return without_ages(json.loads(node))
        return AGE.sub("N s ago", node)
    return node


async def session(
    app: McpContext, calls: list[dict[str, Any]], early: bool, version: str
) -> list[Any]:
    """One stdio session making ``calls``; the SDK starts after they are answered when
    ``early`` (a write among them is only answered then)."""
    wire, remembered = Wire(), REMEMBERED
    state = SessionState(identity=make_identity("read,write-notes"), client_name="stdio")
    hello = initialize_request("equal")
    hello["params"] = {**hello["params"], "protocolVersion": version}  # type: ignore[dict-item]
    wire.send(hello)
    wire.early.answer_with(remembered.get, remembered.__setitem__)
    loop = asyncio.get_running_loop()
    serving: asyncio.Task[None] | None = None
    try:
        if early:
            wire.early.serve_early(EarlyTools(app, state, loop, version))
        else:
            serving = loop.create_task(serve(app, state, wire))
        assert (await wire.reply())["id"] == 1
        wire.send(INITIALIZED)
        for message in calls:
            wire.send(message)
        reads = [m["id"] for m in calls if m["params"].get("name") != HISTORY_ADD]
        answers = await wire.answers(*reads) if early else []  # before the SDK runs
        if serving is None:
            serving = loop.create_task(serve(app, state, wire))
        answers += await wire.answers(*(m["id"] for m in calls[len(answers) :]))
        wire.send({"jsonrpc": "2.0", "id": 99, "method": "ping"})
        assert (await wire.answers(99))[0]["result"] == {}  # after every answer: none twice
        return answers
    finally:
        wire.close()
        if serving is not None:
            await asyncio.wait_for(serving, WAIT_S)


async def serve(app: McpContext, state: SessionState, wire: Wire) -> None:
    await serve_stdio(build_server(app), state, SessionRegistry(app.hub), wire.early)


REMEMBERED: dict[str, dict[str, Any]] = {}


def reads(order_id: str) -> list[dict[str, Any]]:
    """Read-only calls: answers from the mirror, a live miss, refusals, store-less tools."""
    return [
        call(2, "orders_get", {"order_id": order_id}),
        call(3, "orders_get", {"order_id": order_id, "detail": "full"}),
        call(4, "orders_list", {"limit": 3, "detail": "standard"}),
        call(5, "orders_search", {"limit": 2}),
        call(6, "session_info", {}),
        call(7, "stores_list", {}),
        call(8, "orders_get", {"order_id": "999999999"}),
        call(9, "orders_get", {"bogus": 1}),
        call(10, "orders_stats", {"group_by": "folder"}),
        {"jsonrpc": "2.0", "id": 12, "method": "tools/list", "params": {}},
        {"jsonrpc": "2.0", "id": 13, "method": "logging/setLevel", "params": {"level": "error"}},
    ]


@pytest.mark.parametrize("version", VERSIONS)
async def test_early_answers_equal_the_sdks_and_writes_wait_for_it(
    indexed_ctx: McpContext, sandbox: SandboxServer, version: str
) -> None:
    REMEMBERED.clear()
    order_id, noted = (str(key) for key in list(sandbox.store(DEMO_STORE_ID).orders)[:2])
    note = {"order_id": noted, "note": "written once"}  # (reads of ``noted`` go live now)
    calls = [*reads(order_id), call(11, HISTORY_ADD, note)]
    by_sdk = await session(indexed_ctx, calls, False, version)
    assert REMEMBERED, "the SDK's initialize answer is remembered"
    note = {"order_id": noted, "note": "written once, again"}
    calls = [*reads(order_id), call(11, HISTORY_ADD, note)]
    early = await session(indexed_ctx, calls, True, version)
    for sdk_answer, early_answer in zip(by_sdk[:-1], early[:-1], strict=True):
        assert without_ages(early_answer) == without_ages(sdk_answer)
    assert [a["result"]["isError"] for a in early[6:8]] == [True, True]  # a miss, bad input
    assert early[0]["result"]["structuredContent"]["source"] == "mirror"
    assert not early[-1]["result"]["isError"], early[-1]
    scoped = [t.name for t in all_tools() if t.access.scope in ("read", "write-notes")]
    assert [tool["name"] for tool in early[-3]["result"]["tools"]] == scoped
    written = await indexed_ctx.services.audit.query(action="order.note")
    assert sorted(e.change["note"] for e in written.entries) == [
        "written once",
        "written once, again",
    ]
