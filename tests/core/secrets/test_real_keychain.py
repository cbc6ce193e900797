"""The keychain store against a real Secret Service (gnome-keyring).

Run them inside a private keyring session:

    bash .ci/keyring-session.sh .venv/bin/pytest tests/core/secrets -m keychain
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing

import keyring
import pytest
import secretstorage
from keyring.backends import SecretService

from app.core.secrets import (
    SERVICE_NAME,
    KeyringSecretStore,
    SecretStoreLocked,
    open_secret_store,
)
from tests.core.secrets.real_keychain import (
    keyring_password,
    locked_keychain,
    remove_our_items,
    require_unlocked_secret_service,
)

pytestmark = pytest.mark.keychain


@pytest.fixture
def secret_service_store() -> Iterator[KeyringSecretStore]:
    require_unlocked_secret_service()
    store = KeyringSecretStore(SecretService.Keyring())
    yield store
    remove_our_items()


def test_round_trip(secret_service_store: KeyringSecretStore) -> None:
    store_id = f"test-{uuid.uuid4()}"
    store = secret_service_store
    assert store.is_system and store.is_unlocked()
    assert store.backend_name == "Secret Service keyring"
    assert store.get(store_id) is None
    store.set(store_id, "od-live-key-1")
    store.set(store_id, "od-live-key-2")
    assert store.get(store_id) == "od-live-key-2"
    store.delete(store_id)
    store.delete(store_id)
    assert store.get(store_id) is None


def test_item_is_filed_under_our_service(secret_service_store: KeyringSecretStore) -> None:
    store_id = f"test-{uuid.uuid4()}"
    secret_service_store.set(store_id, "od-live-key")
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        items = list(collection.search_items({"service": SERVICE_NAME, "username": store_id}))
        assert [item.get_secret() for item in items] == [b"od-live-key"]


def test_open_secret_store_picks_the_secret_service(
    secret_service_store: KeyringSecretStore,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(secret_service_store.backend)
    try:
        store = open_secret_store()
    finally:
        keyring.set_keyring(previous)
    assert isinstance(store, KeyringSecretStore)
    assert store.describe() == "API keys are kept in the Secret Service keyring."


def test_locked_collection_is_reported_not_prompted(
    secret_service_store: KeyringSecretStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring_password()
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    store_id = f"test-{uuid.uuid4()}"
    secret_service_store.set(store_id, "od-live-key")
    with locked_keychain():
        assert not secret_service_store.is_unlocked()
        assert "unlock your login keyring" in secret_service_store.describe()
        with pytest.raises(SecretStoreLocked):
            secret_service_store.get(store_id)
    assert secret_service_store.get(store_id) == "od-live-key"
