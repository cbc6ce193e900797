"""Where Order Desk API keys live: the OS keychain, else an encrypted vault file.

Use :func:`open_secret_store`; it never falls back to plaintext.
"""

from __future__ import annotations

import logging

import keyring

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
from app.core.secrets.keychain import KeyringSecretStore, keychain_problem
from app.core.secrets.vault import PASSPHRASE_ENV, PassphraseProvider, VaultSecretStore

__all__ = [
    "PASSPHRASE_ENV",
    "SERVICE_NAME",
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
    "open_secret_store",
]

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
    backend = keyring.get_keyring()
    problem = keychain_problem(backend)
    if problem is None:
        store = KeyringSecretStore(backend)
        _log.info("secret store: %s", store.backend_name)
        return store
    _log.info("secret store: encrypted vault file (%s)", problem)
    return VaultSecretStore(passphrase_provider=passphrase_provider)
