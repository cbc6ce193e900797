"""The keychain store against a real Secret Service (gnome-keyring).

Run them inside a private keyring session:

    bash .ci/keyring-session.sh .venv/bin/pytest tests/core/secrets -m keychain
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import closing

import keyring
import pytest
import secretstorage
from keyring.backends import SecretService
from secretstorage.util import DBusAddressWrapper, format_secret, open_session

from app.core.secrets import (
    SERVICE_NAME,
    KeyringSecretStore,
    SecretStoreLocked,
    open_secret_store,
)
from app.core.secrets.secret_service import CollectionState, default_collection_state

pytestmark = pytest.mark.keychain

HOW = "run: bash .ci/keyring-session.sh .venv/bin/pytest tests/core/secrets -m keychain"
_GNOME_INTERNAL = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"


@pytest.fixture
def secret_service_store() -> Iterator[KeyringSecretStore]:
    state = default_collection_state()
    if state is CollectionState.UNAVAILABLE:
        pytest.skip(f"no Secret Service on the session bus ({HOW})")
    if state is not CollectionState.UNLOCKED:
        pytest.skip(f"the Secret Service's default collection is {state} ({HOW})")
    store = KeyringSecretStore(SecretService.Keyring())
    yield store
    _remove_our_items()


def _remove_our_items() -> None:
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        if collection.is_locked():
            return
        for item in collection.search_items({"service": SERVICE_NAME}):
            item.delete()


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
    password = os.environ.get("ODT_KEYRING_PASSWORD")
    if not password:
        pytest.skip(f"ODT_KEYRING_PASSWORD unknown, cannot unlock again ({HOW})")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    store_id = f"test-{uuid.uuid4()}"
    secret_service_store.set(store_id, "od-live-key")
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        try:
            assert not secret_service_store.is_unlocked()
            assert "unlock your login keyring" in secret_service_store.describe()
            with pytest.raises(SecretStoreLocked):
                secret_service_store.get(store_id)
        finally:
            _unlock_with_password(connection, collection, password)
    assert secret_service_store.get(store_id) == "od-live-key"


def _unlock_with_password(
    connection: object, collection: secretstorage.Collection, password: str
) -> None:
    """Unlock without a prompt through gnome-keyring's internal interface (tests only)."""
    session = open_session(connection)
    secret = format_secret(session, password.encode(), "text/plain")
    internal = DBusAddressWrapper("/org/freedesktop/secrets", _GNOME_INTERNAL, connection)
    internal.call("UnlockWithMasterPassword", "o(oayays)", collection.collection_path, secret)
    assert not collection.is_locked()
