"""Bad input on the local endpoint: each gets a clear error; other sessions keep working."""

from __future__ import annotations

import contextlib
import json
import os

import pytest
from mcp import Client

from app.mcp.transport.local_client import local_client_transport
from tests.mcp.transport.conftest import RawClient, Served

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix socket tests")


async def _other_session_works(served: Served) -> None:
    async with Client(local_client_transport(served.info, "odt_bob", "other"), cache=None) as c:
        result = await c.call_tool("echo", {"text": "fine"})
        assert result.structured_content == {"text": "fine"}


async def test_garbage_bytes_get_parse_errors_and_session_goes_on(
    served: Served, raw_clients: list[RawClient]
) -> None:
    raw = await RawClient.connect(served.info)
    raw_clients.append(raw)
    await raw.initialize()
    await raw.send(b"\x00\xff\xfe not json at all\n")
    error = await raw.read()
    assert error["error"] == {
        "code": -32700,
        "message": "Parse error: each line must be one JSON object",
    }
    await raw.send(b'{"jsonrpc": "2.0", "id": 7, "nonsense": true}\n')
    invalid = await raw.read()
    assert invalid["id"] == 7
    assert invalid["error"]["code"] == -32600  # type: ignore[index]
    await _other_session_works(served)
    await raw.request(2, "tools/call", {"name": "echo", "arguments": {"text": "still"}})
    reply = await raw.read()
    assert reply["result"]["structuredContent"] == {"text": "still"}  # type: ignore[index]


async def test_unknown_method_is_method_not_found(
    served: Served, raw_clients: list[RawClient]
) -> None:
    raw = await RawClient.connect(served.info)
    raw_clients.append(raw)
    await raw.initialize()
    await raw.request(3, "orders/teleport", {})
    reply = await raw.read()
    assert reply["id"] == 3
    assert reply["error"]["code"] == -32601  # type: ignore[index]


async def test_ten_mib_line_closes_only_that_connection(
    served: Served, raw_clients: list[RawClient]
) -> None:
    big = RawClient.connect(served.info)
    raw = await big
    raw_clients.append(raw)
    await raw.initialize()
    async with Client(local_client_transport(served.info, "odt_bob", "bystander"), cache=None) as c:
        huge = json.dumps({"text": "x" * (10 * 1024 * 1024)})
        payload = '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo",'
        with contextlib.suppress(ConnectionError):  # the server may stop reading early
            await raw.send(f'{payload}"arguments":{huge}}}}}\n'.encode())
        error = await raw.read()
        assert error["error"]["code"] == -32600  # type: ignore[index]
        assert "at most 8 MiB" in error["error"]["message"]  # type: ignore[index]
        assert await raw.read_eof()
        result = await c.call_tool("echo", {"text": "unaffected"})
        assert result.structured_content == {"text": "unaffected"}


async def test_several_mib_line_is_fine(served: Served) -> None:
    text = "y" * (3 * 1024 * 1024)
    async with Client(local_client_transport(served.info, "odt_bob", "big"), cache=None) as c:
        result = await c.call_tool("echo", {"text": text})
    assert result.structured_content == {"text": text}


@pytest.mark.parametrize(
    ("hello", "reason"),
    [
        (b"garbage\n", "hello JSON object"),
        (b'{"jsonrpc":"2.0","id":1,"method":"initialize"}\n', "Send a hello line"),
        (b'{"token": 5}\n', "token must be a string"),
        (b'{"token": "odt_nope"}\n', "not valid or was revoked"),
    ],
)
async def test_bad_hello_is_refused_in_words(
    served: Served, raw_clients: list[RawClient], hello: bytes, reason: str
) -> None:
    raw = await RawClient.connect(served.info, hello)
    raw_clients.append(raw)
    first = await raw.read()
    assert first["hello"] == "error"
    assert reason in str(first["message"])
    second = await raw.read()
    assert second["error"]["code"] == -32001  # type: ignore[index]
    assert await raw.read_eof()
    await _other_session_works(served)
