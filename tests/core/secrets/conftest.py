"""Fixtures for the secret-store tests (``test_keyring`` lives in tests/conftest.py)."""

from __future__ import annotations

import pytest

from app.core.secrets.vault_crypto import VaultParams

# Minimum costs: the scheme is the same, unlocking takes milliseconds instead of ~0.3 s.
FAST_VAULT_PARAMS = VaultParams(scrypt_n=2**10, scrypt_r=8, scrypt_p=1, bcrypt_cost=4)


@pytest.fixture
def fast_vault_params() -> VaultParams:
    """Cheap KDF costs for vault tests."""
    return FAST_VAULT_PARAMS
