"""EarlyStdio: read-ahead, the early ``initialize`` answer, the hand-over to the SDK, the cache."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.mcp.transport.early import (
    EarlyStdio,
    HandshakeCache,
    initialize_request,
    sdk_versions,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")

RESULT = {
    "capabilities": {"tools": {"listChanged": True}},
    "protocolVersion": "2025-06-18",
    "serverInfo": {"name": "orderdesk-tray", "version": "0"},
}


def initialize(request_id: int = 1, version: str = "2025-06-18") -> str:
    params = {
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    }
    message = {"jsonrpc": "2.0", "id": request_id, "method": "initialize", "params": params}
    return json.dumps(message) + "\n"


class Pipes:
    """An EarlyStdio on two pipes: the test plays the client."""

    def __init__(self) -> None:
        self.server_in, self.client_out = os.pipe()
        self.client_in, self.server_out = os.pipe()
        self.early = EarlyStdio(self.server_in, self.server_out, lambda: None).start()
        self.replies = open(self.client_in, "rb")  # noqa: SIM115 - closed in close()

    def send(self, text: str) -> None:
        os.write(self.client_out, text.encode())

    def reply(self) -> dict[str, Any]:
        return dict(json.loads(self.replies.readline()))

    def close(self) -> None:
        os.close(self.client_out)  # EOF: the reader thread ends; wait for it, or it could read
        self.early._reader.join(30)  # a descriptor number the next test's pipe reuses
        assert not self.early._reader.is_alive()
        self.early.close()
        os.close(self.server_out)
        self.replies.close()
        os.close(self.server_in)


@pytest.fixture
def pipes() -> Iterator[Pipes]:
    made = Pipes()
    yield made
    made.close()


def test_a_well_formed_initialize_is_recognised() -> None:
    assert initialize_request(initialize(7, "2024-11-05")) == (7, "2024-11-05")
    assert initialize_request('{"jsonrpc":"2.0","id":1,"method":"ping"}') is None
    assert initialize_request("not json") is None
    broken = json.loads(initialize())
    del broken["params"]["clientInfo"]
    assert initialize_request(json.dumps(broken)) is None
    broken = json.loads(initialize())
    broken["id"] = True
    assert initialize_request(json.dumps(broken)) is None


def test_the_cache_answers_only_under_its_key(tmp_path: Path) -> None:
    path = tmp_path / "handshake.json"
    HandshakeCache(path, "v1").store("2025-06-18", RESULT)
    assert HandshakeCache(path, "v1").load("2025-06-18") == RESULT
    assert HandshakeCache(path, "v1").load("2024-11-05") is None
    assert HandshakeCache(path, "v2").load("2025-06-18") is None
    path.write_text("{broken")
    assert HandshakeCache(path, "v1").load("2025-06-18") is None


def test_the_sdk_version_is_read_without_importing_it() -> None:
    assert sdk_versions().startswith("mcp-")


async def test_initialize_is_answered_early_and_the_sdk_gets_every_line(pipes: Pipes) -> None:
    pipes.send(initialize(1))
    stored: list[tuple[str, dict[str, Any]]] = []
    pipes.early.answer_with({"2025-06-18": RESULT}.get, lambda v, r: stored.append((v, r)))
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 1, "result": RESULT}
    pipes.send('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    async with pipes.early.streams() as (stdin, stdout):
        lines = [await anext(stdin), await anext(stdin)]
        assert initialize_request(lines[0]) == (1, "2025-06-18")
        assert "notifications/initialized" in lines[1]
        await stdout.write(json.dumps({"jsonrpc": "2.0", "id": 1, "result": RESULT}) + "\n")
        await stdout.write('{"jsonrpc":"2.0","id":2,"result":{}}\n')
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 2, "result": {}}  # the SDK's copy dropped
    assert stored == []
    assert "before the MCP SDK loaded" in pipes.early.summary()


async def test_without_a_remembered_answer_the_sdk_answers_and_it_is_stored(
    pipes: Pipes,
) -> None:
    stored: list[tuple[str, dict[str, Any]]] = []
    pipes.early.answer_with(lambda version: None, lambda v, r: stored.append((v, r)))
    pipes.send(initialize(3, "2024-11-05"))
    async with pipes.early.streams() as (stdin, stdout):
        assert initialize_request(await anext(stdin)) == (3, "2024-11-05")
        await stdout.write(json.dumps({"jsonrpc": "2.0", "id": 3, "result": RESULT}) + "\n")
    assert pipes.reply()["result"] == RESULT
    assert stored == [("2024-11-05", RESULT)]
    assert "answered by the MCP server" in pipes.early.summary()


async def test_a_different_sdk_answer_is_logged_and_stored(
    pipes: Pipes, caplog: pytest.LogCaptureFixture
) -> None:
    stored: list[tuple[str, dict[str, Any]]] = []
    pipes.send(initialize(1))
    pipes.early.answer_with({"2025-06-18": RESULT}.get, lambda v, r: stored.append((v, r)))
    assert pipes.reply()["result"] == RESULT
    newer = {**RESULT, "instructions": "new"}
    async with pipes.early.streams() as (stdin, stdout):
        await anext(stdin)
        await stdout.write(json.dumps({"jsonrpc": "2.0", "id": 1, "result": newer}) + "\n")
    assert stored == [("2025-06-18", newer)]
    assert "differed" in caplog.text


async def test_a_first_message_other_than_initialize_is_only_passed_on(pipes: Pipes) -> None:
    pipes.early.answer_with({"2025-06-18": RESULT}.get)
    pipes.send('{"jsonrpc":"2.0","id":1,"method":"server/discover"}\n')
    pipes.send(initialize(2))  # not the first message: the SDK answers it
    async with pipes.early.streams() as (stdin, stdout):
        assert "server/discover" in await anext(stdin)
        assert initialize_request(await anext(stdin)) == (2, "2025-06-18")
        await stdout.write('{"jsonrpc":"2.0","id":1,"result":{}}\n')
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert "no initialize" in pipes.early.summary()


async def test_end_of_input_ends_the_sdk_stream(pipes: Pipes) -> None:
    pipes.send(initialize(1))
    os.close(pipes.client_out)
    pipes.client_out = os.open(os.devnull, os.O_WRONLY)  # for close()
    async with pipes.early.streams() as (stdin, _):
        assert [line async for line in stdin] == [initialize(1)]
