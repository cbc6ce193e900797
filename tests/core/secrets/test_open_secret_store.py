"""Choosing the store: the keychain when usable, else the vault, never plaintext."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from app.core import paths
from app.core.secrets import KeyringSecretStore, VaultSecretStore, open_secret_store
from tests.core.secrets.memory_keyring import MemoryKeyring

REPO_ROOT = Path(__file__).resolve().parents[3]


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend."""

    priority = 1  # below MemoryKeyring: keyring's auto-detection must never pick it


@pytest.fixture
def forced_backend() -> Iterator[None]:
    """Let a test call keyring.set_keyring; the previous backend comes back afterwards."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_usable_keychain_is_chosen(test_keyring: MemoryKeyring) -> None:
    store = open_secret_store()
    assert isinstance(store, KeyringSecretStore)
    assert store.is_system
    store.set("store-1", "key")
    assert test_keyring.entries["orderdesk-tray"]["store-1"] == "key"


@pytest.mark.parametrize("backend_type", [fail.Keyring, null.Keyring, PlaintextKeyring])
def test_no_usable_keychain_means_vault(
    forced_backend: None, backend_type: type[KeyringBackend]
) -> None:
    backend = backend_type()
    keyring.set_keyring(backend)
    store = open_secret_store(passphrase_provider=lambda: "passphrase")
    assert isinstance(store, VaultSecretStore)
    assert not store.is_system
    assert store.path == paths.vault_path()
    if isinstance(backend, MemoryKeyring):
        store.set("store-1", "od-key-123")
        assert backend.entries == {}
        assert b"od-key-123" not in store.path.read_bytes()


def test_vault_without_passphrase_is_locked(forced_backend: None) -> None:
    keyring.set_keyring(fail.Keyring())
    store = open_secret_store()
    assert not store.is_unlocked()
    assert "passphrase" in store.describe()


def _chosen_in_subprocess(backend: str) -> str:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": backend}
    code = "from app.core.secrets import open_secret_store; print(open_secret_store().backend_name)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_python_keyring_backend_is_respected() -> None:
    memory = f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    assert "MemoryKeyring" in _chosen_in_subprocess(memory)
    assert _chosen_in_subprocess("keyring.backends.null.Keyring") == "encrypted vault file"
    assert _chosen_in_subprocess("keyring.backends.fail.Keyring") == "encrypted vault file"


def test_test_keyring_file_is_shared_with_subprocesses(
    test_keyring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "keyring.json"
    monkeypatch.setenv("ORDERDESK_TEST_KEYRING_FILE", str(shared))
    code = "from app.core.secrets import open_secret_store; open_secret_store().set('s1', 'k1')"
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True, timeout=60)
    assert KeyringSecretStore(MemoryKeyring()).get("s1") == "k1"
