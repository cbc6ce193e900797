"""Turn exceptions into the sentence a model gets back in an ``isError`` tool result.

An expected error (:class:`app.core.errors.ExpectedError`, or SQLite's lock timeout) becomes
its sentence and action, exactly as the GUI and the CLI show them, plus a hint naming the tool
to call next. Anything else is a bug: it is logged with a fresh error id and the model hears
only "internal error (error id …)".
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pydantic

from app.core.errors import expected_text, join_text
from app.core.index import IndexUnavailable
from app.core.orderdesk import NotFoundError
from app.core.services.errors import AmbiguousStoreError, OrderConflict, StoreNotFoundError

log = logging.getLogger(__name__)

MAX_REPORTED = 3
SECRET_ARGUMENTS = frozenset({"api_key"})
"""Arguments whose value is never repeated back, even when it is invalid."""


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(arguments)"


def _one(error: Any, valid: list[str]) -> str:
    where = _where(tuple(error.get("loc", ())))
    if error.get("type") == "extra_forbidden":
        return f"Unknown argument '{where}'. Valid arguments: {', '.join(valid)}."
    if error.get("type") == "missing":
        return f"Missing required argument '{where}'."
    if SECRET_ARGUMENTS & {str(part) for part in error.get("loc", ())}:
        return f"Argument '{where}': {error.get('msg', 'invalid value')}."
    got = error.get("input")
    shown = repr(got)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"Argument '{where}': {error.get('msg', 'invalid value')} (got {shown})."


def validation_message(tool: str, error: pydantic.ValidationError, valid: list[str]) -> str:
    """Describe bad arguments in a few sentences ending with what to do.

    Args:
        tool: The tool's name.
        error: What pydantic found.
        valid: The tool's argument names.
    """
    problems = [_one(item, valid) for item in error.errors()[:MAX_REPORTED]]
    more = len(error.errors()) - MAX_REPORTED
    if more > 0:
        problems.append(f"({more} more problem(s).)")
    return (
        f"Invalid arguments for {tool}: {' '.join(problems)} Fix the arguments (see the tool's "
        "input schema) and call it again."
    )


def known_error_message(error: BaseException) -> str | None:
    """Return the text for an expected error, or None when the error is a bug.

    The text is the one every face shows (:func:`app.core.errors.expected_text`), followed by a
    hint naming the tool a model can call next, where there is one.
    """
    text = expected_text(error)
    if text is None:
        return None
    return join_text(text, _model_hint(error))


def internal_error_message(tool: str, error: BaseException) -> str:
    """Log an unexpected error with a fresh id and return a generic sentence naming that id."""
    error_id = uuid.uuid4().hex[:10]
    log.error("tool %s failed (error id %s)", tool, error_id, exc_info=error)
    return (
        f"{tool} failed because of an internal error (error id {error_id}); nothing more is "
        "known here. Do not retry in a loop; tell the user, who can find this id in the "
        "OrderDesk Tray log."
    )


def _model_hint(error: BaseException) -> str:
    """Which tool helps a model act on ``error`` (empty when none does)."""
    if isinstance(error, AmbiguousStoreError):
        return "stores_list shows every store's name and id."
    if isinstance(error, StoreNotFoundError):
        return "Call stores_list to see the registered stores."
    if isinstance(error, OrderConflict):
        return (
            "Call orders_get for the current version, check the change still makes sense, then"
            " call the update again with its date_updated."
        )
    if isinstance(error, NotFoundError):
        return (
            "It may have been deleted, or the id is from another store; check the id"
            " (orders_list or products_list find records) and the active store (session_info)."
        )
    if isinstance(error, IndexUnavailable):
        return "Use orders_list, which reads Order Desk live, and tell the user if this persists."
    return ""
