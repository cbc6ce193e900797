"""Where Order Desk API keys live: the OS keychain, else an encrypted vault file.

Use :func:`open_secret_store` (or :func:`deferred_secret_store`, which opens it at first use);
it never falls back to plaintext. ``keyring`` and the vault's cryptography are imported when a
store is opened, not with this package: a process that reads only the local mirror never
needs them.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from app.core.secrets.base import (
    SERVICE_NAME,
    NoKeychainError,
    SecretStore,
    SecretStoreError,
    SecretStoreLocked,
    VaultLocked,
    VaultPassphraseError,
    VaultTamperedError,
)
from app.core.secrets.deferred import DeferredSecretStore

if TYPE_CHECKING:
    from app.core.secrets.keychain import KeyringSecretStore
    from app.core.secrets.vault import PASSPHRASE_ENV, PassphraseProvider, VaultSecretStore

__all__ = [
    "PASSPHRASE_ENV",
    "SERVICE_NAME",
    "DeferredSecretStore",
    "KeyringSecretStore",
    "NoKeychainError",
    "PassphraseProvider",
    "SecretStore",
    "SecretStoreError",
    "SecretStoreLocked",
    "VaultLocked",
    "VaultPassphraseError",
    "VaultSecretStore",
    "VaultTamperedError",
    "deferred_secret_store",
    "open_secret_store",
]

_LAZY = {
    "KeyringSecretStore": "keychain",
    "PASSPHRASE_ENV": "vault",
    "PassphraseProvider": "vault",
    "VaultSecretStore": "vault",
}


def __getattr__(name: str) -> Any:
    """The names of the keychain and vault modules, imported on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


_log = logging.getLogger(__name__)


def open_secret_store(passphrase_provider: PassphraseProvider | None = None) -> SecretStore:
    """Return the OS keychain when it is usable, else the encrypted vault file.

    keyring picks its backend itself and honours ``PYTHON_KEYRING_BACKEND``. A missing, null,
    plaintext or empty-chain backend counts as "no keychain"; then the vault in the data folder
    is used. There is no plaintext fallback.

    Args:
        passphrase_provider: Asks the user for the vault passphrase when the vault is used and
            ``ORDERDESK_TRAY_VAULT_PASSPHRASE`` is not set.

    Returns:
        The secret store to use for this process.
    """
    import keyring

    from app.core.secrets.keychain import KeyringSecretStore, keychain_problem
    from app.core.secrets.vault import VaultSecretStore

    backend = keyring.get_keyring()
    problem = keychain_problem(backend)
    if problem is None:
        store = KeyringSecretStore(backend)
        _log.info("secret store: %s", store.backend_name)
        return store
    _log.info("secret store: encrypted vault file (%s)", problem)
    return VaultSecretStore(passphrase_provider=passphrase_provider)


def deferred_secret_store(
    passphrase_provider: PassphraseProvider | None = None,
) -> DeferredSecretStore:
    """:func:`open_secret_store`, called when the store is first used (any thread)."""
    return DeferredSecretStore(lambda: open_secret_store(passphrase_provider))
