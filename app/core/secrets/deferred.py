"""A secret store opened at its first use, not at start-up.

Opening one imports ``keyring`` (and asks it for a backend) and, for the vault, the cryptography
libraries: ~30 ms that a process answering from the local mirror never needs. The first call
(any thread) opens the real store with :func:`app.core.secrets.open_secret_store`; every call
after that goes straight to it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from app.core.secrets.base import SecretStore


class DeferredSecretStore:
    """:class:`~app.core.secrets.base.SecretStore` that opens the real one when first used.

    Args:
        opener: Opens the real store (called once).
    """

    def __init__(self, opener: Callable[[], SecretStore]) -> None:
        self._opener = opener
        self._store: SecretStore | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> SecretStore:
        """The real store (opened now if it was not yet)."""
        with self._lock:
            if self._store is None:
                self._store = self._opener()
            return self._store

    @property
    def backend_name(self) -> str:
        """The real store's backend name."""
        return self.store.backend_name

    @property
    def is_system(self) -> bool:
        """True when the real store is the OS keychain."""
        return self.store.is_system

    def is_unlocked(self) -> bool:
        """Whether the real store can be read without asking for anything."""
        return self.store.is_unlocked()

    def describe(self) -> str:
        """The real store's sentence for the user."""
        return self.store.describe()

    def get(self, store_id: str) -> str | None:
        """The secret of ``store_id``, if any."""
        return self.store.get(store_id)

    def set(self, store_id: str, secret: str) -> None:
        """Keep ``secret`` for ``store_id``."""
        self.store.set(store_id, secret)

    def delete(self, store_id: str) -> None:
        """Forget the secret of ``store_id``."""
        self.store.delete(store_id)

    def unlock(self, passphrase: str) -> None:
        """Unlock the real store with ``passphrase`` (the vault file; a keychain has no
        passphrase here).

        Raises:
            ValueError: The real store cannot be unlocked from here.
            SecretStoreError: Wrong passphrase, or the vault cannot be read.
        """
        unlock = getattr(self.store, "unlock", None)
        if unlock is None:
            raise ValueError("This secret store cannot be unlocked from here.")
        unlock(passphrase)
