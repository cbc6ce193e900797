"""The secret-store interface and the errors every backend raises.

A secret store keeps one Order Desk API key per store, keyed by our store id. The GUI and the
MCP server only see :class:`SecretStore` and the exceptions below; each exception carries a
sentence meant for the user and never the secret itself.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from app.core.errors import ExpectedError, KeychainLocked, KeychainUnavailable, PassphraseNeeded

SERVICE_NAME = "orderdesk-tray"
"""Service name under which API keys live in the OS keychain."""

MAX_STORE_ID_LENGTH = 200


class SecretStoreError(ExpectedError):
    """A secret could not be read or written; ``str(error)`` is a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message


class SecretStoreLocked(SecretStoreError, KeychainLocked):
    """The store exists but is locked (keychain locked, no vault passphrase available)."""


class VaultLocked(SecretStoreLocked, PassphraseNeeded):
    """The vault file needs its passphrase and none is available yet."""


class NoKeychainError(SecretStoreError, KeychainUnavailable):
    """No usable OS keychain exists on this system."""


class VaultPassphraseError(SecretStoreError, PassphraseNeeded):
    """The vault passphrase is wrong."""


class VaultTamperedError(SecretStoreError):
    """The vault file was changed by something other than this app, or is damaged."""


@runtime_checkable
class SecretStore(Protocol):
    """Where API keys live: the OS keychain or the encrypted vault file."""

    @property
    def backend_name(self) -> str:
        """Short human name of the backend, e.g. ``"Secret Service"``."""
        ...

    @property
    def is_system(self) -> bool:
        """True when secrets live in the OS keychain rather than our own vault file."""
        ...

    def is_unlocked(self) -> bool:
        """Return True when secrets can be read now without asking the user anything."""
        ...

    def describe(self) -> str:
        """Return a UI sentence: which backend is in use and, when locked, what to do."""
        ...

    def get(self, store_id: str) -> str | None:
        """Return the API key for ``store_id``, or None when none is stored."""
        ...

    def set(self, store_id: str, secret: str) -> None:
        """Store (or replace) the API key for ``store_id``."""
        ...

    def delete(self, store_id: str) -> None:
        """Remove the API key for ``store_id``; removing a missing key is not an error."""
        ...


def check_store_id(store_id: str) -> str:
    """Validate a store id used as a secret's name.

    Args:
        store_id: Our id of the store the secret belongs to.

    Returns:
        The same id.

    Raises:
        ValueError: If the id is empty, too long or contains control characters.
    """
    if not isinstance(store_id, str) or not store_id:
        raise ValueError("A store id must be a non-empty string.")
    if len(store_id) > MAX_STORE_ID_LENGTH or any(ord(ch) < 32 for ch in store_id):
        raise ValueError("A store id must be short and contain no control characters.")
    return store_id


def check_secret(secret: str) -> str:
    """Validate a secret before it is stored.

    Args:
        secret: The API key.

    Returns:
        The same secret.

    Raises:
        ValueError: If the secret is not a non-empty string (the message never includes it).
    """
    if not isinstance(secret, str) or not secret:
        raise ValueError("An API key must be a non-empty string.")
    return secret
