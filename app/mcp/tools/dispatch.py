"""Run one tool call: validate, pace, authorize, pick the store, call the handler, shape errors.

Every failure a model can act on becomes an ``isError`` result with a sentence; anything
unexpected is logged with an id and reported without internals. Results are the wire form of
the SDK's ``CallToolResult`` (``content``, ``structuredContent``, ``isError``) and nothing here
imports the SDK: :func:`serve_call` is what the SDK's ``tools/call`` handler runs, and also what
``serve --stdio`` runs for a read-only call that arrives before the SDK is loaded.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import pydantic

from app.core.access.errors import AccessError
from app.core.access.identity import ClientIdentity
from app.core.services.errors import StoreNotFoundError
from app.core.services.records import StoreRecord
from app.mcp.progress import WaitChannel, waits_reported
from app.mcp.shaping.budget import DEFAULT_BUDGET_TOKENS, fit, hoist_notice
from app.mcp.tools.base import ToolError, ToolOutput, ToolSpec
from app.mcp.tools.context import Call, McpContext, refresh_identity
from app.mcp.tools.errors import internal_error_message, known_error_message, validation_message
from app.mcp.transport.session import NoSession, SessionState, current_session

log = logging.getLogger(__name__)

NO_STORE = (
    "No store is selected for this session and there is no default store. Call stores_list "
    "to see the stores, then stores_use to pick one (or pass the store argument)."
)


ToolResult = dict[str, Any]
"""A ``tools/call`` result as it goes on the wire (the SDK's ``CallToolResult``, dumped)."""


def error_result(message: str) -> ToolResult:
    """Build an ``isError`` tool result carrying ``message``."""
    return {"content": [_text(message)], "isError": True}


def success_result(output: ToolOutput) -> ToolResult:
    """Build a result: structured content, a one-line summary, and the JSON as text.

    The JSON text block is for clients that show the model only ``content``.
    """
    text = json.dumps(output.data, ensure_ascii=False, separators=(",", ":"))
    return {
        "content": [_text(output.summary), _text(text)],
        "structuredContent": output.data,
        "isError": False,
    }


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


BUDGET_SETTING = "mcp.result_budget_tokens"


async def result_budget(app: McpContext) -> int:
    """The most tokens one tool result may take (setting ``mcp.result_budget_tokens``)."""
    try:
        value = await app.services.settings.get(BUDGET_SETTING)
    except Exception:  # a missing or unreadable setting must not fail the call
        log.debug("result budget setting unreadable; using the default", exc_info=True)
        return DEFAULT_BUDGET_TOKENS
    if isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT_BUDGET_TOKENS
    return value


def within_budget(output: ToolOutput, budget_tokens: int, tool: str) -> ToolOutput:
    """One untrusted-data notice per result, and the result cut down to the budget.

    A cut result says so in its ``budget`` entry and in the summary, whose page hint is
    replaced by the new one (the next offset moved).
    """
    data = hoist_notice(output.data)
    old_hint = data.get("page", {}).get("hint") if isinstance(data.get("page"), dict) else None
    fitted = fit(data, budget_tokens, tool)
    if fitted.note is None:
        return ToolOutput(fitted.data, output.summary)
    summary = output.summary
    new_hint = fitted.data["page"]["hint"]
    if old_hint:
        summary = summary.replace(old_hint, new_hint)
    returned = fitted.data["page"]["returned"]
    summary = re.sub(r"^\d+ ", f"{returned} ", summary, count=1)
    return ToolOutput(fitted.data, f"{summary} {fitted.note}")


async def resolve_store(app: McpContext, session: SessionState, wanted: str | None) -> StoreRecord:
    """Pick the store a call works on: the argument, the session's store, or the default.

    Raises:
        ToolError: No store was named, none is active and there is no default.
        StoreNotFoundError, AmbiguousStoreError: The named store cannot be pinned down.
    """
    stores = app.services.stores
    if wanted is not None:
        return await stores.resolve(wanted)
    if session.active_store_id is not None:
        try:
            return await stores.resolve(session.active_store_id)
        except StoreNotFoundError:
            session.active_store_id = None
            raise ToolError(
                "The session's active store was removed from the app. " + NO_STORE
            ) from None
    try:
        return await stores.default()
    except StoreNotFoundError as error:
        raise ToolError(f"{NO_STORE} ({error})") from None


async def _run(
    app: McpContext, spec: ToolSpec[Any], session: SessionState, arguments: dict[str, Any]
) -> ToolOutput:
    identity: ClientIdentity = session.identity
    try:
        params = spec.params.model_validate(arguments)
    except pydantic.ValidationError as error:
        raise ToolError(
            validation_message(spec.name, error, list(spec.params.model_fields))
        ) from None
    app.limits.check(identity, write=spec.access.write)
    identity.require(spec.access.scope)
    store = None
    if spec.access.store:
        store = await resolve_store(app, session, getattr(params, "store", None))
        identity.require(spec.access.scope, store.id)
    call = Call(app=app, session=session, tool=spec.name, store_record=store)
    output = await spec.handler(call, params)
    return within_budget(output, await result_budget(app), spec.name)


async def run_tool(
    app: McpContext, spec: ToolSpec[Any], arguments: dict[str, Any] | None
) -> ToolResult:
    """Run ``spec`` for the current session and return the tool result (never raises)."""
    try:
        session = current_session()
        return success_result(await _run(app, spec, session, dict(arguments or {})))
    except ToolError as error:
        return error_result(str(error))
    except Exception as error:
        message = known_error_message(error)
        if message is None:
            message = internal_error_message(spec.name, error)
        else:
            log.info("tool %s refused: %s", spec.name, message)
        return error_result(message)


def session_scopes() -> frozenset[str] | None:
    """The calling session's scopes, or None outside a session (then every tool is listed)."""
    try:
        identity = current_session().identity
    except NoSession:
        return None
    return identity.scopes if isinstance(identity, ClientIdentity) else None


def allowed(specs: Iterable[ToolSpec[Any]], scopes: frozenset[str] | None) -> list[str]:
    """Names of the tools a session with ``scopes`` may call (all of them for None)."""
    return [spec.name for spec in specs if scopes is None or spec.access.scope in scopes]


def listed_tools(app: McpContext, specs: Iterable[ToolSpec[Any]]) -> list[str]:
    """``tools/list`` for the current session, whoever carries it: the names of the tools its
    client may call now (its identity refreshed first)."""
    refresh_caller(app)
    return allowed(specs, session_scopes())


def refresh_caller(app: McpContext) -> str | None:
    """Bring the calling session's identity up to date with the registry.

    Returns:
        A sentence refusing the request (the client was revoked), or None to go on. Outside a
        session it returns None and leaves the refusal to the handler.
    """
    try:
        refresh_identity(app, current_session())
    except NoSession:
        return None
    except AccessError as error:
        return str(error)
    return None


async def serve_call(
    app: McpContext,
    spec: ToolSpec[Any],
    arguments: dict[str, Any] | None,
    waits: WaitChannel,
    tools_changed: Callable[[], Awaitable[None]],
) -> ToolResult:
    """One ``tools/call`` for the current session, whoever carries it (never raises).

    The caller's identity is refreshed first (a revoked client is refused; ``tools_changed``
    runs when its scopes changed meanwhile), and waits in the call are reported on ``waits``.
    """
    before = session_scopes()
    refused = refresh_caller(app)
    if refused is not None:
        return error_result(refused)
    if session_scopes() != before:
        await tools_changed()
    with waits_reported(waits):
        return await run_tool(app, spec, arguments)
