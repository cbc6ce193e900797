"""The local endpoint over a real Unix socket with SDK clients in both protocol eras."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError

from app.core.events import CLIENT_CONNECTED, CLIENT_DISCONNECTED
from app.mcp.transport.endpoint_file import read_endpoint
from app.mcp.transport.local_client import HelloRefused, local_client_transport
from tests.mcp.transport.conftest import Served

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix socket tests")

MODES = ["legacy", "auto"]


@pytest.mark.parametrize("mode", MODES)
async def test_sdk_client_lists_and_calls_tools(served: Served, mode: Any) -> None:
    transport = local_client_transport(served.info, "odt_alice", "claude")
    async with Client(transport, mode=mode, cache=None) as client:
        tools = await client.list_tools()
        assert {tool.name for tool in tools.tools} == {"echo", "session_info"}
        echoed = await client.call_tool("echo", {"text": "héllo"})
        assert echoed.structured_content == {"text": "héllo"}
        info = await client.call_tool("session_info", {})
        expected_era = "2025-11-25" if mode == "legacy" else "2026-07-28"
        assert client.protocol_version == expected_era
    assert info.structured_content is not None
    assert info.structured_content["identity"] == "alice"
    assert info.structured_content["client"] == "claude"


async def test_each_connection_is_its_own_session(served: Served) -> None:
    async with (
        Client(local_client_transport(served.info, "odt_alice", "a"), cache=None) as one,
        Client(local_client_transport(served.info, None, "b"), cache=None) as two,
    ):
        first = (await one.call_tool("session_info", {})).structured_content
        second = (await two.call_tool("session_info", {})).structured_content
        assert len(served.registry) == 2
    assert first is not None and second is not None
    assert first["session_id"] != second["session_id"]
    assert (first["identity"], second["identity"]) == ("alice", "anonymous")


async def test_bad_token_is_refused_with_a_reason(served: Served) -> None:
    with pytest.raises(HelloRefused, match="not valid or was revoked"):
        async with local_client_transport(served.info, "odt_wrong", "x"):
            pass
    assert len(served.registry) == 0


async def test_revoking_ends_only_that_clients_sessions(served: Served) -> None:
    alice = Client(local_client_transport(served.info, "odt_alice", "a"), cache=None)
    async with Client(local_client_transport(served.info, "odt_bob", "b"), cache=None) as bob:
        async with alice:
            await alice.call_tool("echo", {"text": "x"})
            ended = served.registry.revoke_sessions(lambda s: s.identity.name == "alice")
            assert ended == 1
            with pytest.raises(MCPError):
                await alice.call_tool("echo", {"text": "after"})
        still = await bob.call_tool("echo", {"text": "still here"})
        assert still.structured_content == {"text": "still here"}


async def test_events_and_live_list(served: Served) -> None:
    queue = served.hub.queue()
    async with Client(local_client_transport(served.info, "odt_bob", "cursor"), cache=None) as c:
        await c.list_tools()
        (live,) = served.registry.live()
        assert (live.transport, live.state.client_name) == ("socket", "cursor")
    events = [await asyncio.wait_for(queue.get(), 5) for _ in range(2)]
    served.hub.release(queue)
    assert [event.kind for event in events] == [CLIENT_CONNECTED, CLIENT_DISCONNECTED]
    assert events[0].data["client"] == "cursor"
    assert events[0].data["identity"] == "bob"
    assert events[1].data["session_id"] == events[0].data["session_id"]


async def test_endpoint_file_socket_and_cleanup(served: Served, data_home: Any) -> None:
    info = read_endpoint(served.endpoint.endpoint_path)
    assert info == served.info
    assert info is not None and info.path is not None and info.pid == os.getpid()
    assert stat.S_IMODE(os.stat(served.endpoint.endpoint_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(info.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(info.path)).st_mode) == 0o700
    raw = json.loads(served.endpoint.endpoint_path.read_text())
    assert set(raw) == {"transport", "path", "pid", "version", "protocol", "secret"}
    assert len(raw["secret"]) == 64  # the proof for peers without credentials (0600 above)
    await served.endpoint.stop()
    assert not served.endpoint.endpoint_path.exists()
    assert not Path(info.path).exists()  # noqa: ASYNC240
    assert not Path(info.path).parent.exists()  # the private runtime folder too
