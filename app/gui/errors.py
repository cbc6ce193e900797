"""Which errors the GUI shows as a sentence, and that sentence.

An expected error (:class:`app.core.errors.ExpectedError`, or SQLite's lock timeout read as
:class:`~app.core.errors.DatabaseBusy`) is shown where it happened — a message box or an inline
label — with exactly the text the MCP layer and the CLI give: its sentence and what to do.
Everything else, a bare ``ValueError`` or ``OSError`` included, is a bug: callers re-raise it
and the crash dialog shows a copyable report.
"""

from __future__ import annotations

from app.core.errors import as_expected, expected_text


def is_expected(error: BaseException) -> bool:
    """True when ``error`` gets a sentence rather than the crash dialog."""
    return as_expected(error) is not None


def user_message(error: BaseException) -> str:
    """The sentence and action for an expected error (never includes an API key).

    For a bug (which the caller should re-raise) it falls back to the exception's text.
    """
    text = expected_text(error)
    if text is not None:
        return text
    return str(error).strip() or type(error).__name__
