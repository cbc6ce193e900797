"""Read-only tool calls answered on stdio before the MCP SDK is loaded (``serve --stdio``).

Importing the SDK costs about half a second of CPU, longer than a read from the local mirror
takes in all. :class:`EarlyTools` is the responder :class:`~app.mcp.transport.early.EarlyStdio`
offers requests to until the SDK runs: it takes a ``tools/call`` of a read-only tool and runs it
on the engine loop through :func:`~app.mcp.tools.dispatch.serve_call`, the code the SDK's
``tools/call`` handler runs (identity refresh, limits, scopes, argument validation through the
tool's input model, the handler, the result budget, the same result shape), and ``tools/list``
through :func:`~app.mcp.tools.dispatch.listed_tools` and :meth:`ToolSpec.wire` (what the SDK
path lists), and ``logging/setLevel`` through :func:`~app.mcp.progress.set_log_level` (so an
early call's log messages follow it). Everything else (a write, an unknown tool, a malformed
request) is declined and waits for the SDK, so nothing runs twice. The SDK is never imported
here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from app.mcp.progress import LEVELS, request_progress_token, says_progress_message, set_log_level
from app.mcp.tools import McpContext, ToolSpec, all_tools, find_tool
from app.mcp.tools.dispatch import listed_tools, serve_call
from app.mcp.transport.early_calls import Cancel, EarlyCall
from app.mcp.transport.session import SessionState, session_scope

log = logging.getLogger(__name__)

Answer = Callable[[EarlyCall], Awaitable[dict[str, Any]]]
"""Works out the result of an early call (on the engine loop)."""


def early_tool(call: EarlyCall) -> ToolSpec[Any] | None:
    """The read-only tool a ``tools/call`` request names, if it may be answered early."""
    params = call.params
    name, arguments = params.get("name"), params.get("arguments")
    if call.message.get("method") != "tools/call" or not isinstance(name, str):
        return None
    if arguments is not None and not isinstance(arguments, dict):
        return None
    meta = params.get("_meta", {})
    if not isinstance(meta, dict) or not usable_progress_token(meta):
        return None
    spec = find_tool(name)
    if spec is None or not spec.read_only or spec.access.write:
        return None
    return spec


def usable_progress_token(meta: dict[str, Any]) -> bool:
    """Whether a request's ``_meta`` has no progress token or a usable one (text or a whole
    number, not a bool; the SDK refuses a call with most others, or reads them its own way)."""
    tokens = [meta[key] for key in ("progressToken", "progress_token") if key in meta]
    return all(token is not None and request_progress_token(meta) == token for token in tokens)


def early_listing(call: EarlyCall) -> bool:
    """Whether ``call`` is a ``tools/list`` that may be answered early (the SDK lists every
    tool on one page, whatever the cursor; one that is not text goes to its error)."""
    params = call.params
    return (
        call.message.get("method") == "tools/list"
        and isinstance(params.get("cursor", ""), str)
        and isinstance(params.get("_meta", {}), dict)
    )


def early_level(call: EarlyCall) -> str | None:
    """The level of a ``logging/setLevel`` that may be answered early (a valid one)."""
    level = call.params.get("level")
    if call.message.get("method") != "logging/setLevel" or level not in LEVELS:
        return None
    return level if isinstance(call.params.get("_meta", {}), dict) else None


class EarlyWaits:
    """:class:`~app.mcp.progress.WaitChannel` of an early call: its notifications are written
    as the SDK writes them (``notifications/progress``, ``notifications/message``)."""

    def __init__(self, call: EarlyCall, protocol_version: object) -> None:
        self._call = call
        self.progress_token = request_progress_token(call.params.get("_meta"))
        self.says_message = says_progress_message(protocol_version)

    async def progress(self, progress: float, total: float, message: str | None) -> None:
        """Send one ``notifications/progress``."""
        params: dict[str, Any] = {
            "progressToken": self.progress_token,
            "progress": progress,
            "total": total,
        }
        if message is not None:
            params["message"] = message
        self._call.notify("notifications/progress", params)

    async def log(self, level: str, text: str) -> None:
        """Send one ``notifications/message``."""
        params = {"level": level, "logger": "orderdesk", "data": text}
        self._call.notify("notifications/message", params)


class EarlyTools:
    """Takes read-only tool calls for one stdio session and runs them on the engine loop.

    Args:
        app: The MCP context the SDK's server gets later (same services, limits, registry).
        state: The session, shared with the SDK's session once it runs.
        loop: The engine loop.
        protocol_version: What the early ``initialize`` answer agreed on.
    """

    def __init__(
        self,
        app: McpContext,
        state: SessionState,
        loop: asyncio.AbstractEventLoop,
        protocol_version: object,
    ) -> None:
        self.app, self.state, self.loop = app, state, loop
        self.protocol_version = protocol_version
        self._wires: dict[str, dict[str, Any]] = {}

    def __call__(self, call: EarlyCall) -> Cancel | None:
        """Take ``call`` if it is a read-only tool call or ``tools/list`` (returns how to
        cancel it)."""
        if early_listing(call):
            return self._run(call, self._list)
        level = early_level(call)
        if level is not None:
            with session_scope(self.state):
                set_log_level(level)
            call.finish({})
            return lambda: None
        spec = early_tool(call)
        if spec is None:
            return None
        return self._run(call, lambda taken: self._answer(spec, taken))

    def _run(self, call: EarlyCall, answer: Answer) -> Cancel:
        """Answer ``call`` with ``answer`` on the engine loop; returns how to cancel it."""
        return asyncio.run_coroutine_threadsafe(self._finish(call, answer), self.loop).cancel

    async def _finish(self, call: EarlyCall, answer: Answer) -> None:
        """Send the result of ``answer``; a fault is logged and answered as the SDK answers
        one (a JSON-RPC error), so the request is never left unanswered."""
        try:
            result = await answer(call)
        except Exception as error:
            method = call.message.get("method")
            log.exception("stdio: early %s (request %r) failed", method, call.request_id)
            call.fail(str(error))
            return
        call.finish(result)

    async def _list(self, call: EarlyCall) -> dict[str, Any]:
        if not self._wires:  # every tool module and input schema: ~0.1 s, once
            self._wires = {spec.name: spec.wire() for spec in all_tools()}
        with session_scope(self.state):
            names = listed_tools(self.app, all_tools())
        return {"tools": [self._wires[name] for name in names]}

    async def _answer(self, spec: ToolSpec[Any], call: EarlyCall) -> dict[str, Any]:
        arguments = call.params.get("arguments")
        waits = EarlyWaits(call, self.protocol_version)

        async def tools_changed() -> None:
            call.notify("notifications/tools/list_changed")

        with session_scope(self.state):
            result = await serve_call(self.app, spec, arguments, waits, tools_changed)
        log.debug("stdio: %s answered before the MCP SDK loaded", spec.name)
        return result
