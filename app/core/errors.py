"""The root of every expected error: environment trouble and refused input, not bugs.

An :class:`ExpectedError` carries two parts a person (or a model) can read:

* ``sentence`` — what happened, in plain words ("The system keychain is locked.");
* ``action`` — what to do about it ("Unlock it, then try again."); may be empty when the
  sentence already says it.

``str(error)`` is both, joined by a space, and every face shows exactly that text: the MCP
layer as an ``isError`` tool result, the CLI on stderr with exit code 1, the GUI in a message
box or an inline label. Anything that is *not* an ``ExpectedError`` is a bug: MCP answers with
"internal error (error id …)", the GUI opens the crash dialog, the CLI shows the traceback.

The category classes below name the conditions every face must understand. Older, more
specific classes (``SecretStoreLocked``, ``RateLimitedError``, ``OrderConflict``, …) subclass
them and keep their names and attributes. Raising a category class with no arguments gives its
default sentence and action; a caller that passes its own sentence passes its own action too
(it defaults to none, because older messages already end with what to do).

:func:`as_expected` also recognises SQLite's "database is locked" and turns it into
:class:`DatabaseBusy`, so a busy database reads the same wherever the lock was met.

This module imports nothing from the app (and nothing heavy), so every layer may import it,
the stdlib-only shim included.
"""

from __future__ import annotations

import sys
from typing import ClassVar


def join_text(*parts: str) -> str:
    """Join sentence parts with single spaces, skipping empty ones."""
    return " ".join(part.strip() for part in parts if part and part.strip())


class ExpectedError(Exception):
    """An expected condition: shown to the user as ``sentence`` + ``action``, never a crash.

    Attributes:
        sentence: What happened, in plain words.
        action: What to do about it (may be empty).
    """

    default_sentence: ClassVar[str] = "The request could not be completed."
    default_action: ClassVar[str] = "Try again."

    def __init__(self, sentence: str = "", action: str | None = None) -> None:
        """Create the error.

        Args:
            sentence: What happened; empty means the class's default sentence and action.
            action: What to do; None means the class default when ``sentence`` is empty,
                and nothing otherwise.
        """
        super().__init__(sentence or self.default_sentence)
        if action is None:
            action = "" if sentence else self.default_action
        self._action = action

    @property
    def sentence(self) -> str:
        """What happened (the first argument, or the exception's own string)."""
        return Exception.__str__(self)

    @property
    def action(self) -> str:
        """What to do about it (may be empty)."""
        return getattr(self, "_action", "")

    def __str__(self) -> str:
        return join_text(self.sentence, self.action)


class KeychainLocked(ExpectedError):
    """The secret store exists but is locked."""

    default_sentence = "The system keychain is locked."
    default_action = "Unlock it (log in to the desktop, or open the keychain app), then try again."


class KeychainUnavailable(ExpectedError):
    """No usable system keychain exists here."""

    default_sentence = "No usable system keychain was found."
    default_action = (
        "Start one (on Linux: gnome-keyring or KeePassXC with Secret Service), or set"
        " ORDERDESK_TRAY_VAULT_PASSPHRASE to keep the API keys in the encrypted vault file."
    )


class PassphraseNeeded(ExpectedError):
    """The encrypted vault needs its passphrase (none given, or a wrong one)."""

    default_sentence = "The vault passphrase is needed to read the stores' API keys."
    default_action = (
        "Enter it when the app asks, or set ORDERDESK_TRAY_VAULT_PASSPHRASE for headless use."
    )


class DatabaseBusy(ExpectedError):
    """Another connection held the database's write lock past the wait."""

    default_sentence = "The app's database is busy: another program is writing to it."
    default_action = (
        "Wait a moment and try again; if it lasts, close other OrderDesk Tray or orderdesk-mcp"
        " processes that use the same data folder."
    )


class OrderDeskUnreachable(ExpectedError):
    """Order Desk did not answer (network down, timeout, server trouble)."""

    default_sentence = "Order Desk could not be reached."
    default_action = "Check the internet connection, then try again."


class OrderDeskRateLimited(ExpectedError):
    """Order Desk is rate limiting the store."""

    default_sentence = "Order Desk is rate limiting this store."
    default_action = "Wait a few seconds, then try again."


class OrderDeskRefused(ExpectedError):
    """Order Desk refused the store id or API key (authentication or permission)."""

    default_sentence = "Order Desk refused the store ID or API key."
    default_action = "Check the store ID and API key (Order Desk: Store Settings > API)."


class Conflict(ExpectedError):
    """The record changed (or the same write happened) since the caller looked."""

    default_sentence = "The record changed since it was read; nothing was written."
    default_action = "Read it again and re-apply the change."


class NotFound(ExpectedError):
    """A store, order, folder or other record does not exist."""

    default_sentence = "That record does not exist."
    default_action = "Check the name or id."


class InvalidChange(ExpectedError):
    """A request or change set that cannot be carried out as given (validation)."""

    default_sentence = "The change cannot be made as given."
    default_action = "Correct it and try again."


CATEGORIES: tuple[type[ExpectedError], ...] = (
    KeychainLocked,
    KeychainUnavailable,
    PassphraseNeeded,
    DatabaseBusy,
    OrderDeskUnreachable,
    OrderDeskRateLimited,
    OrderDeskRefused,
    Conflict,
    NotFound,
    InvalidChange,
)
"""The named conditions every face understands (in the order the docs list them)."""

_BUSY_MARKERS = ("database is locked", "database is busy", "database table is locked")


def is_database_busy(error: BaseException) -> bool:
    """True when ``error`` is SQLite giving up on another connection's lock."""
    # Neither module is imported here (the shim and the CLI's --help stay light); an error
    # of one can only exist once it is loaded.
    sqlite3, peewee = sys.modules.get("sqlite3"), sys.modules.get("peewee")
    sqlite_error = sqlite3 is not None and isinstance(error, sqlite3.OperationalError)
    if not sqlite_error and not (peewee and isinstance(error, peewee.OperationalError)):
        return False
    return any(marker in str(error).lower() for marker in _BUSY_MARKERS)


def as_expected(error: BaseException) -> ExpectedError | None:
    """Return ``error`` as an expected error, or None when it is a bug.

    Args:
        error: Any exception a face caught.

    Returns:
        ``error`` itself when it is an :class:`ExpectedError`, a :class:`DatabaseBusy` when it
        is SQLite's lock timeout, otherwise None.
    """
    if isinstance(error, ExpectedError):
        return error
    if is_database_busy(error):
        busy = DatabaseBusy()
        busy.__cause__ = error
        return busy
    return None


def expected_text(error: BaseException) -> str | None:
    """The one text every face shows for an expected error, or None for a bug."""
    expected = as_expected(error)
    return None if expected is None else str(expected)
