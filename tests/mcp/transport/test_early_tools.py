"""EarlyTools: which requests it takes, and the notifications of an early call's waits."""

from __future__ import annotations

import asyncio
from typing import Any

import mcp_types as types

from app.core.orderdesk.limiter import report_wait
from app.mcp.progress import waits_reported
from app.mcp.transport.early_calls import EarlyCall
from app.mcp.transport.early_tools import EarlyWaits, early_level, early_tool


def early_call(method: str, params: dict[str, Any], sent: list[dict[str, Any]]) -> EarlyCall:
    message = {"jsonrpc": "2.0", "id": 3, "method": method, "params": params}
    return EarlyCall(message, sent.append, lambda: None)


def test_only_read_only_tool_calls_are_taken() -> None:
    def tool(method: str, **params: Any) -> str | None:
        spec = early_tool(early_call(method, params, []))
        return None if spec is None else spec.name

    assert tool("tools/call", name="orders_get", arguments={"order_id": "1"}) == "orders_get"
    assert tool("tools/call", name="session_info") == "session_info"
    assert tool("tools/call", name="order_history_add", arguments={}) is None  # a write
    assert tool("tools/call", name="orders_delete", arguments={}) is None
    assert tool("tools/call", name="no_such_tool", arguments={}) is None
    assert tool("tools/call", name="orders_get", arguments=["1"]) is None  # malformed
    assert tool("tools/call", name="orders_get", _meta="x") is None
    assert tool("resources/list") is None


def test_a_valid_log_level_is_taken() -> None:
    assert early_level(early_call("logging/setLevel", {"level": "error"}, [])) == "error"
    assert early_level(early_call("logging/setLevel", {"level": "loud"}, [])) is None
    assert early_level(early_call("logging/setLevel", {}, [])) is None


async def test_waits_are_sent_as_the_sdk_words_them() -> None:
    sent: list[dict[str, Any]] = []
    call = early_call("tools/call", {"name": "orders_get", "_meta": {"progressToken": "p"}}, sent)
    with waits_reported(EarlyWaits(call, "2025-06-18")):
        report_wait(2.0, 60.0, "Waiting for the store's allowance")
    await asyncio.sleep(0)  # the reports are sent as tasks
    await asyncio.sleep(0)
    text = "Waiting for the store's allowance: waited 2 s of at most 60 s."
    progress = types.ProgressNotification(
        params=types.ProgressNotificationParams(
            progress_token="p", progress=2.0, total=60.0, message=text
        )
    )
    logged = types.LoggingMessageNotification(
        params=types.LoggingMessageNotificationParams(
            level="warning",
            logger="orderdesk",
            data="Waiting for the store's allowance (at most 60 s).",
        )
    )
    wire = [n.model_dump(by_alias=True, mode="json", exclude_none=True) for n in (progress, logged)]
    assert sent == [{"jsonrpc": "2.0", **n} for n in wire]


def test_a_call_with_an_unusable_progress_token_is_left_to_the_sdk() -> None:
    def taken(token: object) -> bool:
        params = {"name": "session_info", "_meta": {"progressToken": token}}
        return early_tool(early_call("tools/call", params, [])) is not None

    assert taken("p") and taken(7)
    assert not any(taken(token) for token in (1.5, True, False, 1.0, None, [1]))
