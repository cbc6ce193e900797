"""``KeysService``: where the stores' API keys live, as the store manager shows it."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.secrets import SecretStore


@dataclass(frozen=True)
class KeysState:
    """The secret store as the user sees it.

    Attributes:
        sentence: Which backend holds the keys and what to do when it is locked.
        is_system: The OS keychain (not the vault file).
        unlocked: Keys can be read now.
    """

    sentence: str
    is_system: bool
    unlocked: bool


class KeysService:
    """Describe and unlock the secret store.

    Args:
        secrets: Where API keys live.
    """

    def __init__(self, secrets: SecretStore) -> None:
        self._secrets = secrets

    async def state(self) -> KeysState:
        """Which backend holds the keys, and whether it can be read now."""
        secrets = self._secrets
        return KeysState(secrets.describe(), secrets.is_system, secrets.is_unlocked())

    async def unlock(self, passphrase: str) -> None:
        """Unlock the vault file with ``passphrase``.

        Raises:
            ValueError: This secret store cannot be unlocked from here.
            SecretStoreError: Wrong passphrase, or the vault cannot be read.
        """
        unlock = getattr(self._secrets, "unlock", None)
        if unlock is None:
            unlock = getattr(getattr(self._secrets, "inner", None), "unlock", None)
        if unlock is None:
            raise ValueError("This secret store cannot be unlocked from here.")
        unlock(passphrase)
