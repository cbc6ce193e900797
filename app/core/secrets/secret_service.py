"""A look at the Secret Service's default collection that never shows a prompt.

keyring's SecretService backend asks the desktop to create or unlock the default collection
when it is missing or locked; on a headless machine that prompt can never be answered. This
module only reads the collection's state so the app can say what to do instead of waiting.
"""

from __future__ import annotations

import os
import sys
from contextlib import closing
from enum import StrEnum


class CollectionState(StrEnum):
    """State of the Secret Service's default collection."""

    UNLOCKED = "unlocked"
    LOCKED = "locked"
    MISSING = "missing"
    UNAVAILABLE = "unavailable"


def default_collection_state() -> CollectionState:
    """Return the state of the default collection, without prompting.

    Returns:
        ``UNAVAILABLE`` when secretstorage is missing or no Secret Service answers on the
        session bus, ``MISSING`` when the service has no default collection, else whether the
        collection is locked.
    """
    try:
        import secretstorage
        from jeepney.wrappers import DBusErrorResponse
        from secretstorage.exceptions import ItemNotFoundException, SecretStorageException
    except ImportError:
        return CollectionState.UNAVAILABLE
    try:
        connection = secretstorage.dbus_init()
    except (SecretStorageException, OSError):
        return CollectionState.UNAVAILABLE
    with closing(connection):
        try:
            if not secretstorage.check_service_availability(connection):
                return CollectionState.UNAVAILABLE
            collection = secretstorage.Collection(connection)
            locked = collection.is_locked()
        except ItemNotFoundException:
            return CollectionState.MISSING
        except (SecretStorageException, DBusErrorResponse, OSError):
            return CollectionState.UNAVAILABLE
    return CollectionState.LOCKED if locked else CollectionState.UNLOCKED


def can_prompt() -> bool:
    """Return True when a desktop session could show an unlock or create prompt."""
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
