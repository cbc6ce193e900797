"""The keychain store over keyring, against the in-memory test backend."""

from __future__ import annotations

import pytest
from jeepney import HeaderFields, Message, MessageType
from jeepney.wrappers import DBusErrorResponse
from keyring.backends import chainer, fail, null
from keyring.compat import properties
from keyring.errors import InitError, KeyringError, NoKeyringError, PasswordSetError
from secretstorage.exceptions import LockedException, PromptDismissedException

from app.core.secrets import (
    SERVICE_NAME,
    KeyringSecretStore,
    NoKeychainError,
    SecretStore,
    SecretStoreError,
    SecretStoreLocked,
    keychain,
    secret_service,
)
from app.core.secrets.secret_service import CollectionState
from tests.core.secrets.memory_keyring import MemoryKeyring

API_KEY = "od-live-5f2b9c0e7a1d4b3c"


def test_round_trip(test_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    assert isinstance(store, SecretStore)
    assert store.is_system and store.backend is test_keyring
    store.set("store-1", API_KEY)
    assert test_keyring.entries == {SERVICE_NAME: {"store-1": API_KEY}}
    assert store.get("store-1") == API_KEY
    assert store.get("store-2") is None
    store.delete("store-1")
    store.delete("store-1")
    assert store.get("store-1") is None


def test_describe_names_the_backend(test_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore(test_keyring)
    assert store.is_unlocked()
    assert store.backend_name in store.describe()


def test_locked_keyring(test_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore(test_keyring)
    test_keyring.locked = True
    with pytest.raises(SecretStoreLocked):
        store.get("store-1")
    assert not store.is_unlocked()
    assert "locked" in store.describe() and "unlock" in store.describe()
    test_keyring.locked = False
    store.set("store-1", API_KEY)
    assert store.is_unlocked()


def _dbus_error() -> DBusErrorResponse:
    message = Message.__new__(Message)
    message.header = type("Header", (), {})()
    message.header.message_type = MessageType.error
    message.header.fields = {HeaderFields.error_name: "org.freedesktop.DBus.Error.NoReply"}
    message.body = (f"timeout while storing {API_KEY}",)
    return DBusErrorResponse(message)


ERRORS = {
    "keyring error": (KeyringError, SecretStoreError),
    "no keyring": (NoKeyringError(f"none for {API_KEY}"), NoKeychainError),
    "init": (InitError(f"init {API_KEY}"), SecretStoreError),
    "set": (PasswordSetError(f"set {API_KEY}"), SecretStoreError),
    "ss locked": (LockedException(f"locked {API_KEY}"), SecretStoreLocked),
    "prompt dismissed": (PromptDismissedException("dismissed"), SecretStoreLocked),
    "dbus": (_dbus_error(), SecretStoreError),
    "bus gone": (ConnectionResetError("bus closed"), SecretStoreError),
}


@pytest.mark.parametrize(("raised", "expected"), ERRORS.values(), ids=ERRORS.keys())
def test_errors_become_our_errors(
    test_keyring: MemoryKeyring, raised: BaseException, expected: type[SecretStoreError]
) -> None:
    store = KeyringSecretStore(test_keyring)
    test_keyring.fail_with = raised if isinstance(raised, BaseException) else raised()
    for call in (lambda: store.set("store-1", API_KEY), lambda: store.get("store-1")):
        with pytest.raises(expected) as caught:
            call()
        assert API_KEY not in str(caught.value)
        assert caught.value.user_message == str(caught.value)


def test_unexpected_errors_are_not_hidden(test_keyring: MemoryKeyring) -> None:
    test_keyring.fail_with = ZeroDivisionError()
    with pytest.raises(ZeroDivisionError):
        KeyringSecretStore(test_keyring).get("store-1")


# Every KeyringBackend subclass joins keyring's registry; the doubles below keep a priority
# under MemoryKeyring's (or none at all) so that keyring's auto-detection never picks them.


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend."""

    priority = 1


class NotViableKeyring(MemoryKeyring):
    """A backend whose viability check fails, like SecretService without a daemon."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("daemon not running")


class EmptyChainer(chainer.ChainerBackend):
    backends: list[object] = []


class FailOnlyChainer(chainer.ChainerBackend):
    backends = [fail.Keyring(), null.Keyring()]


class MemoryChainer(chainer.ChainerBackend):
    backends = [fail.Keyring(), MemoryKeyring()]


UNUSABLE = {
    "fail": fail.Keyring,
    "null": null.Keyring,
    "plaintext": PlaintextKeyring,
    "not viable": NotViableKeyring,
    "empty chainer": EmptyChainer,
    "chainer of nothing usable": FailOnlyChainer,
}


@pytest.mark.parametrize("backend_type", UNUSABLE.values(), ids=UNUSABLE.keys())
def test_unusable_backends_are_no_keychain(backend_type: type[MemoryKeyring]) -> None:
    backend = backend_type()
    assert keychain.keychain_problem(backend) is not None
    with pytest.raises(NoKeychainError):
        KeyringSecretStore(backend)


def test_chainer_with_a_real_member_is_usable() -> None:
    assert keychain.keychain_problem(MemoryChainer()) is None


class FakeSecretService(MemoryKeyring):
    """A memory keyring that the store takes for keyring's SecretService backend."""

    priority = 1


FakeSecretService.__module__ = "keyring.backends.SecretService"


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (CollectionState.UNLOCKED, "kept in the Secret Service keyring."),
        (CollectionState.LOCKED, "unlock your login keyring"),
        (CollectionState.MISSING, "no default keyring"),
        (CollectionState.UNAVAILABLE, "not running"),
    ],
)
def test_secret_service_states(
    monkeypatch: pytest.MonkeyPatch, state: CollectionState, words: str
) -> None:
    monkeypatch.setattr(secret_service, "default_collection_state", lambda: state)
    store = KeyringSecretStore(FakeSecretService())
    assert store.backend_name == "Secret Service keyring"
    assert store.is_unlocked() is (state is CollectionState.UNLOCKED)
    assert words in store.describe()


@pytest.mark.parametrize("state", [CollectionState.LOCKED, CollectionState.MISSING])
def test_headless_secret_service_fails_fast_instead_of_prompting(
    monkeypatch: pytest.MonkeyPatch, state: CollectionState
) -> None:
    monkeypatch.setattr(secret_service, "default_collection_state", lambda: state)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    backend = FakeSecretService()
    backend.fail_with = AssertionError("the backend must not be called")
    with pytest.raises(SecretStoreLocked):
        KeyringSecretStore(backend).get("store-1")
    monkeypatch.setenv("DISPLAY", ":0")
    backend.fail_with = None
    assert KeyringSecretStore(backend).get("store-1") is None
