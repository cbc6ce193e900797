"""Test doubles for the Order Desk client: a fake clock and a scripted HTTP transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def envelope(
    status_code: int = 200, headers: dict[str, str] | None = None, **body: Any
) -> httpx.Response:
    """A JSON response with ``status: success`` unless the body says otherwise."""
    payload = {"status": "success", "execution_time": "0.0010 seconds", **body}
    return httpx.Response(status_code, json=payload, headers=headers)


class ScriptedServer:
    """Answers requests from a queue of responses (or exceptions), recording every request."""

    def __init__(self, *responses: httpx.Response | Exception | Handler) -> None:
        self.script: list[httpx.Response | Exception | Handler] = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps a real transport and counts the HTTP statuses the client received."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.statuses: list[int] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.statuses.append(response.status_code)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
