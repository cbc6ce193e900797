"""EarlyStdio's early requests: what a responder takes never reaches the SDK, the rest does in
order; cancellations; nothing is offered without an early ``initialize``; the burst wait."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.mcp.transport.early_calls import Cancel, EarlyCall, request_key
from tests.mcp.transport.test_early import RESULT, Pipes, initialize, pipes  # noqa: F401

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")

WAIT_S = 30.0
"""Generous bound for the reader thread to get to a line (the machine may be busy)."""


class Responder:
    """Takes requests whose method is in ``take``; records calls and cancellations."""

    def __init__(self, *take: str) -> None:
        self.take = set(take)
        self.calls: list[EarlyCall] = []
        self.cancelled: list[str | int] = []

    def __call__(self, call: EarlyCall) -> Cancel | None:
        if call.message.get("method") not in self.take:
            return None
        self.calls.append(call)
        return lambda: self.cancelled.append(call.request_id)


def request(request_id: int, method: str, params: dict[str, Any] | None = None) -> str:
    message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}}
    return json.dumps(message) + "\n"


def until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, "the reader thread did not get there"
        time.sleep(0.01)


def answered_early(pipes: Pipes) -> None:  # noqa: F811 - the fixture's type
    pipes.send(initialize(1))
    pipes.early.answer_with({"2025-06-18": RESULT}.get)
    assert pipes.reply()["result"] == RESULT


async def sdk_lines(pipes: Pipes, count: int) -> list[str]:  # noqa: F811
    async with pipes.early.streams() as (stdin, _):
        return [await asyncio.wait_for(anext(stdin), WAIT_S) for _ in range(count)]


async def test_taken_requests_skip_the_sdk_and_the_rest_reach_it_in_order(
    pipes: Pipes,  # noqa: F811
) -> None:
    answered_early(pipes)
    pipes.send('{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    pipes.send(request(2, "tools/call"))
    pipes.send(request(3, "resources/list"))
    responder = Responder("tools/call")
    pipes.early.serve_early(responder)  # lines read before and after it are both offered
    pipes.send(request(4, "tools/call"))
    pipes.send(request(5, "prompts/list"))
    until(lambda: len(responder.calls) == 2)
    assert [call.request_id for call in responder.calls] == [2, 4]
    responder.calls[1].finish({"content": [], "isError": False})
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 4, "result": {"content": [], "isError": False}}
    lines = await sdk_lines(pipes, 4)
    assert [json.loads(line).get("id") for line in lines] == [1, None, 3, 5]
    assert pipes.early.calls.taken == 2
    assert "2 request(s) after it" in pipes.early.summary()


async def test_a_cancelled_early_call_is_never_answered(pipes: Pipes) -> None:  # noqa: F811
    answered_early(pipes)
    responder = Responder("tools/call")
    pipes.early.serve_early(responder)
    pipes.send(request(5, "tools/call"))
    until(lambda: len(responder.calls) == 1)
    cancel = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 5}}
    pipes.send(json.dumps(cancel) + "\n")
    until(lambda: responder.cancelled == [5])
    responder.calls[0].notify("notifications/progress", {"progressToken": 1, "progress": 1})
    responder.calls[0].finish({"content": [], "isError": False})  # too late: dropped
    pipes.send(request(6, "ping"))
    lines = await sdk_lines(pipes, 2)  # the initialize and the ping; not the cancellation
    assert [json.loads(line).get("method") for line in lines] == ["initialize", "ping"]
    async with pipes.early.streams() as (_, stdout):
        await stdout.write('{"jsonrpc":"2.0","id":6,"result":{}}\n')
    assert pipes.reply() == {"jsonrpc": "2.0", "id": 6, "result": {}}  # nothing came for 5


async def test_without_an_early_initialize_nothing_is_offered(pipes: Pipes) -> None:  # noqa: F811
    pipes.early.answer_with(lambda version: None)
    responder = Responder("tools/call")
    pipes.early.serve_early(responder)
    pipes.send(initialize(1))
    pipes.send(request(2, "tools/call"))
    lines = await sdk_lines(pipes, 2)
    assert [json.loads(line)["id"] for line in lines] == [1, 2]
    assert responder.calls == []


def test_the_burst_wait_ends_when_a_request_needs_the_sdk(pipes: Pipes) -> None:  # noqa: F811
    answered_early(pipes)
    pipes.early.serve_early(Responder())
    pipes.send(request(2, "resources/list"))
    pipes.early.wait_burst(quiet=WAIT_S * 10, limit=WAIT_S * 10)  # returns: the SDK is wanted


def test_the_burst_wait_ends_when_the_early_calls_are_answered(
    pipes: Pipes,  # noqa: F811
) -> None:
    answered_early(pipes)
    responder = Responder("tools/call")
    pipes.early.serve_early(responder)
    pipes.send(request(2, "tools/call"))
    until(lambda: len(responder.calls) == 1)
    done = threading.Event()
    waiting = threading.Thread(
        target=lambda: (pipes.early.wait_burst(quiet=0.0, limit=WAIT_S * 10), done.set())
    )
    waiting.start()
    assert not done.wait(0.2)  # an early call still runs
    responder.calls[0].finish({"content": [], "isError": False})
    waiting.join(WAIT_S)
    assert done.is_set()
    assert pipes.reply()["id"] == 2


async def test_a_failing_responder_leaves_the_request_to_the_sdk(
    pipes: Pipes,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(call: EarlyCall) -> Cancel | None:
        raise RuntimeError("a bug")

    answered_early(pipes)
    pipes.early.serve_early(broken)
    pipes.send(request(2, "tools/call"))
    until(lambda: "early answer to tools/call failed" in caplog.text)
    lines = await sdk_lines(pipes, 2)
    assert [json.loads(line)["id"] for line in lines] == [1, 2]


NESTED = "[" * 200000 + "]" * 200000 + "\n"
"""A line json.loads cannot parse without a RecursionError."""


async def test_a_line_that_cannot_be_parsed_goes_to_the_sdk_and_reading_goes_on(
    pipes: Pipes,  # noqa: F811
) -> None:
    answered_early(pipes)
    pipes.send(NESTED)
    until(lambda: pipes.early._read_count == 2)  # read before the responder is installed
    responder = Responder("tools/call")
    pipes.early.serve_early(responder)
    pipes.send(NESTED)  # and after
    pipes.send(request(3, "tools/call"))
    until(lambda: len(responder.calls) == 1)  # read on, and still offered
    responder.calls[0].finish({"content": [], "isError": False})
    assert pipes.reply()["id"] == 3
    async with pipes.early.streams() as (stdin, _):
        lines = [await asyncio.wait_for(anext(stdin), WAIT_S) for _ in range(3)]
        pipes.send(NESTED)  # and once the SDK runs
        lines.append(await asyncio.wait_for(anext(stdin), WAIT_S))
        os.close(pipes.client_out)  # end of input still ends the SDK's stream
        assert [line async for line in stdin] == []
        pipes.client_out = os.open(os.devnull, os.O_WRONLY)  # for the fixture to close
    assert lines[1:] == [NESTED] * 3


async def test_a_first_line_that_cannot_be_parsed_goes_to_the_sdk(pipes: Pipes) -> None:  # noqa: F811
    pipes.early.answer_with({"2025-06-18": RESULT}.get)
    pipes.send(NESTED)
    pipes.send(initialize(2))
    assert await sdk_lines(pipes, 2) == [NESTED, initialize(2)]
    assert pipes.early.initialize is None


def test_request_ids_keep_their_json_type() -> None:
    assert request_key(1) != request_key("1")
    assert request_key(True) is None and request_key(1.0) is None and request_key(None) is None
