"""A vault file changed behind the app's back is refused, never read as something else."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest

from app.core.secrets import (
    SecretStoreError,
    VaultPassphraseError,
    VaultSecretStore,
    VaultTamperedError,
)
from app.core.secrets import vault_crypto as vc
from app.core.secrets.vault_crypto import VaultParams

API_KEY = "od-live-5f2b9c0e7a1d4b3c"
OTHER_KEY = "od-live-0000aaaa1111bbbb"
PASSPHRASE = "correct horse battery staple"

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def vault(fast_vault_params: VaultParams) -> VaultSecretStore:
    store = VaultSecretStore(passphrase_provider=lambda: PASSPHRASE, params=fast_vault_params)
    store.set("store-1", API_KEY)
    store.set("store-2", OTHER_KEY)
    return store


def edit_file(store: VaultSecretStore, edit: Edit) -> None:
    document = json.loads(store.path.read_text())
    edit(document)
    store.path.write_text(json.dumps(document))


def fresh(store: VaultSecretStore, params: VaultParams) -> VaultSecretStore:
    return VaultSecretStore(store.path, lambda: PASSPHRASE, params=params)


def flip_ciphertext(document: dict[str, Any]) -> None:
    sealed = bytearray(base64.b64decode(document["entries"]["store-1"]["ciphertext"]))
    sealed[0] ^= 0x01
    document["entries"]["store-1"]["ciphertext"] = base64.b64encode(sealed).decode()


def swap_entries(document: dict[str, Any]) -> None:
    entries = document["entries"]
    entries["store-1"], entries["store-2"] = entries["store-2"], entries["store-1"]


def set_key(*path: str, value: object) -> Edit:
    def edit(document: dict[str, Any]) -> None:
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


TAMPERING: dict[str, Edit] = {
    "ciphertext flipped": flip_ciphertext,
    "entries swapped": swap_entries,
    "entry removed": lambda d: d["entries"].pop("store-2"),
    "entry copied": lambda d: d["entries"].update({"store-3": d["entries"]["store-1"]}),
    "kdf cost lowered": set_key("kdf", "n", value=2**11),
    "kdf salt replaced": set_key("kdf", "salt", value=base64.b64encode(b"\x00" * 16).decode()),
    "kdf cost absurd": set_key("kdf", "n", value=2**30),
    "kdf renamed": set_key("kdf", "name", value="pbkdf2"),
    "field added": set_key("note", value="hello"),
    "mac removed": lambda d: d.pop("mac"),
    "mac replaced": set_key("mac", value=base64.b64encode(b"\x00" * 32).decode()),
    "format changed": set_key("format", value="something-else"),
    "version changed": set_key("version", value=0),
    "check garbled": set_key("check", value="$2b$99$garbage"),
    "nonce shortened": set_key("entries", "store-1", "nonce", value="AAAA"),
}


@pytest.mark.parametrize("edit", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_detected(
    vault: VaultSecretStore, fast_vault_params: VaultParams, edit: Edit
) -> None:
    edit_file(vault, edit)
    for store in (vault, fresh(vault, fast_vault_params)):
        with pytest.raises(VaultTamperedError) as caught:
            store.get("store-1")
        assert API_KEY not in str(caught.value) and PASSPHRASE not in str(caught.value)
        with pytest.raises(VaultTamperedError):
            store.set("store-9", "new-key")  # no silent rewrite over a tampered file


def test_swapped_entries_fail_even_with_a_valid_file_mac(
    vault: VaultSecretStore, fast_vault_params: VaultParams
) -> None:
    """The store id is the AEAD associated data: the MAC is not the only line of defence."""
    document = json.loads(vault.path.read_text())
    keys = vc.derive_keys(PASSPHRASE, document["kdf"])
    swap_entries(document)
    document["mac"] = vc.file_mac(keys, document)
    vault.path.write_text(json.dumps(document))
    with pytest.raises(VaultTamperedError):
        fresh(vault, fast_vault_params).get("store-1")
    with pytest.raises(VaultTamperedError):
        vc.open_entry(keys, "store-2", vc.seal_entry(keys, "store-1", API_KEY))


def test_replaced_check_reads_as_wrong_passphrase(
    vault: VaultSecretStore, fast_vault_params: VaultParams
) -> None:
    """Swapping in the check of another passphrase: refused, and still not readable with it."""
    edit_file(vault, set_key("check", value=vc.hash_passphrase("attacker", 4)))
    with pytest.raises(VaultPassphraseError):
        fresh(vault, fast_vault_params).get("store-1")
    attacker = VaultSecretStore(vault.path, lambda: "attacker", params=fast_vault_params)
    with pytest.raises(VaultTamperedError):
        attacker.get("store-1")


@pytest.mark.parametrize("content", [b"", b"not json", b"[]", b'{"format": 1}'])
def test_garbage_file_refused(
    vault: VaultSecretStore, fast_vault_params: VaultParams, content: bytes
) -> None:
    vault.path.write_bytes(content)
    with pytest.raises(VaultTamperedError):
        fresh(vault, fast_vault_params).get("store-1")


def test_newer_format_asks_for_an_update(
    vault: VaultSecretStore, fast_vault_params: VaultParams
) -> None:
    edit_file(vault, set_key("version", value=vc.FORMAT_VERSION + 1))
    with pytest.raises(SecretStoreError, match="newer") as caught:
        fresh(vault, fast_vault_params).get("store-1")
    assert not isinstance(caught.value, VaultTamperedError)
