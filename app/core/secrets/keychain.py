"""API keys in the OS keychain through ``keyring``.

keyring picks the active backend itself (and honours ``PYTHON_KEYRING_BACKEND``). This module
decides whether that backend is a real keychain and turns keyring's and D-Bus's errors into
:class:`~app.core.secrets.base.SecretStoreError` with a sentence for the user.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from app.core.secrets import secret_service
from app.core.secrets.base import (
    SERVICE_NAME,
    NoKeychainError,
    SecretStoreError,
    SecretStoreLocked,
    check_secret,
    check_store_id,
)
from app.core.secrets.secret_service import CollectionState

_SS_MODULE = "keyring.backends.SecretService"
_FRIENDLY_NAMES = {
    _SS_MODULE: "Secret Service keyring",
    "keyring.backends.libsecret": "Secret Service keyring",
    "keyring.backends.macOS": "macOS Keychain",
    "keyring.backends.Windows": "Windows Credential Manager",
    "keyring.backends.kwallet": "KDE Wallet",
}


def keychain_problem(backend: KeyringBackend) -> str | None:
    """Say why ``backend`` is not a usable keychain, or return None when it is.

    The fail and null backends, plaintext file backends, backends that report themselves not
    viable, and a chainer with no usable member are not keychains.
    """
    if isinstance(backend, fail.Keyring):
        return "no keychain backend is installed or running"
    if isinstance(backend, null.Keyring):
        return "the keychain is disabled (null backend)"
    if any("plaintext" in cls.__name__.lower() for cls in type(backend).__mro__):
        return "the only backend stores secrets in plain text"
    if isinstance(backend, chainer.ChainerBackend):
        members: list[KeyringBackend] = list(backend.backends)
        if not any(keychain_problem(member) is None for member in members):
            return "no keychain backend is installed or running"
        return None
    try:
        backend.priority  # noqa: B018 - raises when the backend is not viable here
    except Exception as exc:  # keyring's own viability test raises anything
        return f"the {backend_display_name(backend)} is not available ({type(exc).__name__})"
    return None


def backend_display_name(backend: KeyringBackend) -> str:
    """Return a human name for a keyring backend, e.g. ``"macOS Keychain"``."""
    friendly = _FRIENDLY_NAMES.get(type(backend).__module__)
    if friendly:
        return friendly
    return str(getattr(backend, "name", type(backend).__name__))


class KeyringSecretStore:
    """API keys in the OS keychain, service ``orderdesk-tray``, user name = store id.

    Args:
        backend: The keyring backend; defaults to keyring's active one.

    Raises:
        NoKeychainError: If the backend is not a usable keychain.
    """

    is_system = True

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        problem = keychain_problem(self._backend)
        if problem is not None:
            raise NoKeychainError(f"No usable system keychain: {problem}.")
        self._seen_locked = False

    @property
    def backend_name(self) -> str:
        """Human name of the keychain in use."""
        return backend_display_name(self._backend)

    @property
    def backend(self) -> KeyringBackend:
        """The keyring backend behind this store."""
        return self._backend

    def is_unlocked(self) -> bool:
        """Return True when the keychain can be read without a prompt, as far as we can tell."""
        if self._is_secret_service():
            return secret_service.default_collection_state() is CollectionState.UNLOCKED
        return not self._seen_locked

    def describe(self) -> str:
        """Return a UI sentence about the keychain and, when locked, how to unlock it."""
        name = self.backend_name
        if self._is_secret_service():
            state = secret_service.default_collection_state()
            if state is CollectionState.MISSING:
                return (
                    f"API keys are kept in the {name}, but it has no default keyring yet: "
                    "create a login keyring (for example in Passwords and Keys), then try again."
                )
            if state is CollectionState.UNAVAILABLE:
                return f"API keys are kept in the {name}, but the service is not running."
            if state is CollectionState.LOCKED:
                return self._locked_sentence()
        elif self._seen_locked:
            return self._locked_sentence()
        return f"API keys are kept in the {name}."

    def get(self, store_id: str) -> str | None:
        """Return the API key of ``store_id`` or None (see :class:`SecretStore`)."""
        check_store_id(store_id)
        with self._translate_errors("read the API key"):
            value: str | None = self._backend.get_password(SERVICE_NAME, store_id)
        return value

    def set(self, store_id: str, secret: str) -> None:
        """Store the API key of ``store_id`` (see :class:`SecretStore`)."""
        check_store_id(store_id)
        check_secret(secret)
        with self._translate_errors("save the API key"):
            self._backend.set_password(SERVICE_NAME, store_id, secret)

    def delete(self, store_id: str) -> None:
        """Remove the API key of ``store_id``; a missing key is fine."""
        check_store_id(store_id)
        with (
            self._translate_errors("remove the API key"),
            contextlib.suppress(keyring.errors.PasswordDeleteError),  # backends say "not found"
        ):
            self._backend.delete_password(SERVICE_NAME, store_id)

    def _is_secret_service(self) -> bool:
        return type(self._backend).__module__ == _SS_MODULE

    def _locked_sentence(self) -> str:
        if self._is_secret_service():
            return (
                f"The {self.backend_name} is locked: unlock your login keyring (log in to the "
                "desktop, or open Passwords and Keys), then try again."
            )
        return f"The {self.backend_name} is locked: unlock it, then try again."

    def _refuse_headless_prompt(self) -> None:
        """Fail fast where keyring would wait for a prompt nobody can answer."""
        if not self._is_secret_service() or secret_service.can_prompt():
            return
        state = secret_service.default_collection_state()
        if state in (CollectionState.MISSING, CollectionState.LOCKED):
            self._seen_locked = True
            raise SecretStoreLocked(self.describe())

    @contextlib.contextmanager
    def _translate_errors(self, action: str) -> Iterator[None]:
        self._refuse_headless_prompt()
        locked_types, other_types = _error_types()
        try:
            yield
        except locked_types as exc:
            self._seen_locked = True
            raise SecretStoreLocked(self._locked_sentence()) from exc
        except keyring.errors.NoKeyringError as exc:
            raise NoKeychainError(f"Could not {action}: no system keychain is available.") from exc
        except other_types as exc:
            raise SecretStoreError(
                f"Could not {action}: the {self.backend_name} reported an error "
                f"({type(exc).__name__})."
            ) from exc
        self._seen_locked = False


def _error_types() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """Return (locked errors, other errors) of keyring, and of secretstorage/jeepney if present."""
    locked: list[type[Exception]] = [keyring.errors.KeyringLocked]
    other: list[type[Exception]] = [keyring.errors.KeyringError, ConnectionError]
    with contextlib.suppress(ImportError):
        from secretstorage import exceptions as ss_errors

        locked += [ss_errors.LockedException, ss_errors.PromptDismissedException]
        other.append(ss_errors.SecretStorageException)
    with contextlib.suppress(ImportError):
        from jeepney.wrappers import DBusErrorResponse

        other.append(DBusErrorResponse)
    return tuple(locked), tuple(other)
