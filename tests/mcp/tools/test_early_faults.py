"""A fault outside a tool's own error handling (here the identity refresh's registry read) is
answered early as the SDK answers it (a JSON-RPC error) and logged; the request is never left
unanswered."""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

import pytest

from app.mcp.server import McpContext
from tests.mcp.tools.test_early_answers import REMEMBERED, call, session

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


def locked(*args: Any) -> None:
    raise sqlite3.OperationalError("database is locked")


async def test_a_fault_is_answered_early_as_the_sdk_answers_it(
    indexed_ctx: McpContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    REMEMBERED.clear()
    monkeypatch.setattr("app.mcp.tools.dispatch.refresh_identity", locked)
    calls = [
        call(2, "session_info", {}),
        {"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {}},
    ]
    by_sdk = await session(indexed_ctx, calls, False, "2025-06-18")
    assert [answer["error"]["message"] for answer in by_sdk] == ["database is locked"] * 2
    caplog.clear()
    early = await session(indexed_ctx, calls, True, "2025-06-18")
    assert early == by_sdk
    assert caplog.text.count("database is locked") >= 2  # logged, with its traceback
