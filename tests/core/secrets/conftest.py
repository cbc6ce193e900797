"""Fixtures for the secret-store tests (``test_keyring`` is meant to move to tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest

from app.core.secrets.vault_crypto import VaultParams
from tests.core.secrets.memory_keyring import MemoryKeyring

# Minimum costs: the scheme is the same, unlocking takes milliseconds instead of ~0.3 s.
FAST_VAULT_PARAMS = VaultParams(scrypt_n=2**10, scrypt_r=8, scrypt_p=1, bcrypt_cost=4)


@pytest.fixture
def test_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Force an empty in-memory keyring for this test, in-process and for subprocesses."""
    monkeypatch.setenv(
        "PYTHON_KEYRING_BACKEND", f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    )
    monkeypatch.delenv("ORDERDESK_TEST_KEYRING_FILE", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def fast_vault_params() -> VaultParams:
    """Cheap KDF costs for vault tests."""
    return FAST_VAULT_PARAMS
