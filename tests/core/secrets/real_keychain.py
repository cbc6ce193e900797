"""Helpers for tests against the real Secret Service (gnome-keyring) of ``.ci/keyring-session.sh``.

They skip the test when no usable Secret Service is on the session bus, and lock and unlock
its default collection without a prompt (gnome-keyring's internal interface, tests only).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing, contextmanager

import pytest
import secretstorage
from secretstorage.util import DBusAddressWrapper, format_secret, open_session

from app.core.secrets import SERVICE_NAME
from app.core.secrets.secret_service import CollectionState, default_collection_state

HOW = "run: bash .ci/keyring-session.sh .venv/bin/pytest tests/core/secrets -m keychain"
_GNOME_INTERNAL = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"


def require_unlocked_secret_service() -> None:
    """Skip the test unless the Secret Service's default collection is there and unlocked."""
    state = default_collection_state()
    if state is CollectionState.UNAVAILABLE:
        pytest.skip(f"no Secret Service on the session bus ({HOW})")
    if state is not CollectionState.UNLOCKED:
        pytest.skip(f"the Secret Service's default collection is {state} ({HOW})")


def keyring_password() -> str:
    """The password that unlocks the test keyring (skips when it is unknown)."""
    password = os.environ.get("ODT_KEYRING_PASSWORD")
    if not password:
        pytest.skip(f"ODT_KEYRING_PASSWORD unknown, cannot unlock again ({HOW})")
    return password


def remove_our_items() -> None:
    """Delete every item this app filed (when the collection is unlocked)."""
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        if collection.is_locked():
            return
        for item in collection.search_items({"service": SERVICE_NAME}):
            item.delete()


@contextmanager
def locked_keychain() -> Iterator[None]:
    """Lock the default collection for the ``with`` block; unlock it again afterwards."""
    password = keyring_password()
    with closing(secretstorage.dbus_init()) as connection:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        try:
            yield
        finally:
            unlock_with_password(connection, collection, password)


def unlock_with_password(
    connection: object, collection: secretstorage.Collection, password: str
) -> None:
    """Unlock without a prompt through gnome-keyring's internal interface (tests only)."""
    session = open_session(connection)
    secret = format_secret(session, password.encode(), "text/plain")
    internal = DBusAddressWrapper("/org/freedesktop/secrets", _GNOME_INTERNAL, connection)
    internal.call("UnlockWithMasterPassword", "o(oayays)", collection.collection_path, secret)
    assert not collection.is_locked()
