"""The encrypted vault file: round trips, passphrases, file hygiene."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from app.core import paths
from app.core.secrets import (
    PASSPHRASE_ENV,
    SecretStore,
    SecretStoreError,
    SecretStoreLocked,
    VaultPassphraseError,
    VaultSecretStore,
)
from app.core.secrets.vault_crypto import DEFAULT_PARAMS, VaultParams

API_KEY = "od-live-5f2b9c0e7a1d4b3c"
PASSPHRASE = "correct horse battery staple"


def make_vault(params: VaultParams, passphrase: str | None = PASSPHRASE) -> VaultSecretStore:
    return VaultSecretStore(passphrase_provider=lambda: passphrase, params=params)


def test_round_trip(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    assert isinstance(vault, SecretStore)
    vault.set("store-1", API_KEY)
    vault.set("store-2", "other-key")
    assert vault.get("store-1") == API_KEY
    assert vault.get("missing") is None
    vault.set("store-1", "replaced")

    reopened = make_vault(fast_vault_params)
    assert reopened.get("store-1") == "replaced"
    assert reopened.get("store-2") == "other-key"
    reopened.delete("store-2")
    reopened.delete("store-2")  # idempotent
    assert make_vault(fast_vault_params).get("store-2") is None


def test_default_costs_round_trip() -> None:
    assert DEFAULT_PARAMS.scrypt_n >= 2**16 and DEFAULT_PARAMS.bcrypt_cost >= 11
    make_vault(DEFAULT_PARAMS).set("store-1", API_KEY)
    assert make_vault(DEFAULT_PARAMS).get("store-1") == API_KEY


def test_uses_vault_path_and_reading_creates_no_file(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    assert vault.path == paths.vault_path()
    assert vault.get("store-1") is None
    vault.delete("store-1")
    assert not vault.path.exists()


def test_wrong_passphrase_refused(fast_vault_params: VaultParams) -> None:
    make_vault(fast_vault_params).set("store-1", API_KEY)
    wrong = make_vault(fast_vault_params, "not the passphrase")
    with pytest.raises(VaultPassphraseError) as caught:
        wrong.get("store-1")
    assert "not the passphrase" not in str(caught.value)
    assert API_KEY not in str(caught.value)
    assert not wrong.is_unlocked()
    with pytest.raises(VaultPassphraseError):
        wrong.set("store-1", "overwrite attempt")
    assert make_vault(fast_vault_params).get("store-1") == API_KEY


def test_no_passphrase_means_locked(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params, None)
    assert not vault.is_unlocked()
    assert "passphrase" in vault.describe()
    assert PASSPHRASE_ENV in vault.describe()
    with pytest.raises(SecretStoreLocked):
        vault.get("store-1")
    assert not VaultSecretStore(params=fast_vault_params).is_unlocked()


def test_passphrase_from_environment_wins(
    fast_vault_params: VaultParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    asked: list[bool] = []

    def prompt() -> str:
        asked.append(True)
        return "typed"

    vault = VaultSecretStore(passphrase_provider=prompt, params=fast_vault_params)
    assert vault.is_unlocked()
    vault.set("store-1", API_KEY)
    assert not asked
    monkeypatch.delenv(PASSPHRASE_ENV)
    assert make_vault(fast_vault_params).get("store-1") == API_KEY


def test_explicit_unlock_and_lock(fast_vault_params: VaultParams) -> None:
    make_vault(fast_vault_params).set("store-1", API_KEY)
    vault = make_vault(fast_vault_params, None)
    vault.unlock(PASSPHRASE)
    assert vault.is_unlocked()
    assert "locked" not in vault.describe()
    assert vault.get("store-1") == API_KEY
    vault.lock()
    assert not vault.is_unlocked()
    with pytest.raises(SecretStoreLocked):
        vault.get("store-1")


def test_change_passphrase(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    vault.set("store-1", API_KEY)
    vault.change_passphrase("a new passphrase")
    assert vault.get("store-1") == API_KEY
    with pytest.raises(VaultPassphraseError):
        make_vault(fast_vault_params).get("store-1")
    assert make_vault(fast_vault_params, "a new passphrase").get("store-1") == API_KEY


def test_rekey_by_another_instance_is_picked_up(fast_vault_params: VaultParams) -> None:
    first = make_vault(fast_vault_params, None)
    first.unlock(PASSPHRASE)
    first.set("store-1", API_KEY)
    make_vault(fast_vault_params).change_passphrase("rotated")
    with pytest.raises(SecretStoreLocked):  # keys are stale, nothing to re-unlock with
        first.get("store-1")


def test_secret_never_in_file_in_plaintext(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    vault.set("store-1", API_KEY)
    raw = vault.path.read_bytes()
    assert API_KEY.encode() not in raw
    assert PASSPHRASE.encode() not in raw
    document = json.loads(raw)
    assert set(document) == {"format", "version", "kdf", "check", "entries", "mac"}
    assert document["kdf"]["name"] == "scrypt"
    assert document["check"].startswith("$2b$")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_file_is_private(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    vault.set("store-1", API_KEY)
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600
    vault.path.chmod(0o644)
    vault.set("store-2", API_KEY)
    assert stat.S_IMODE(vault.path.stat().st_mode) == 0o600


def test_atomic_write_leaves_no_temp_files(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    for number in range(5):
        vault.set(f"store-{number}", API_KEY)
    vault.delete("store-0")
    assert sorted(p.name for p in vault.path.parent.iterdir()) == [vault.path.name]


def test_failed_write_keeps_old_file(
    fast_vault_params: VaultParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(fast_vault_params)
    vault.set("store-1", API_KEY)
    before = vault.path.read_bytes()

    def broken_replace(src: str, dst: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(SecretStoreError) as caught:
        vault.set("store-2", "second-key")
    assert "second-key" not in str(caught.value)
    monkeypatch.undo()
    assert vault.path.read_bytes() == before
    assert [p.name for p in vault.path.parent.iterdir()] == [vault.path.name]


def test_invalid_arguments_rejected(fast_vault_params: VaultParams) -> None:
    vault = make_vault(fast_vault_params)
    with pytest.raises(ValueError):
        vault.set("", API_KEY)
    with pytest.raises(ValueError):
        vault.set("store\n1", API_KEY)
    with pytest.raises(ValueError) as caught:
        vault.set("store-1", "")
    assert "store-1" not in str(caught.value)
    with pytest.raises(ValueError):
        vault.change_passphrase("")
