"""The cryptography of the vault file, as pure functions over bytes and dicts.

Scheme (version 1):

* **Passphrase check**: bcrypt over a keyed pre-hash of the passphrase (HMAC-SHA256, base64),
  because bcrypt only reads 72 bytes and refuses longer input. It depends only on the passphrase
  and the bcrypt string, so a wrong passphrase is told apart from an edited file.
* **Master key**: scrypt over the passphrase with a random 16-byte salt. scrypt, not bcrypt's
  kdf, because it is memory-hard (64 MiB at the default cost), which is what makes guessing on
  GPUs expensive, and it ships with ``cryptography`` (OpenSSL).
* **Subkeys**: HKDF-SHA256 from the master key, one per purpose: entry encryption and file MAC.
* **Entries**: AES-256-GCM, random 96-bit nonce, associated data = format tag + store id, so an
  entry moved under another store id fails to decrypt.
* **File MAC**: HMAC-SHA256 over the canonical JSON of the whole document except the MAC, so an
  edited header, an added, removed or swapped entry is detected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

import bcrypt
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.core.secrets.base import VaultTamperedError

FORMAT_TAG = "orderdesk-tray-vault"
FORMAT_VERSION = 1
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
_PREHASH_KEY = b"orderdesk-tray vault passphrase v1"
_INFO_ENTRY = b"orderdesk-tray vault v1 entry-encryption"
_INFO_MAC = b"orderdesk-tray vault v1 file-mac"
# Bounds accepted when reading a file: keep an edited header from asking for absurd work.
_SCRYPT_LOG2_N = range(10, 23)
_SCRYPT_R = range(1, 33)
_SCRYPT_P = range(1, 17)
_BCRYPT_COST = range(4, 17)


@dataclass(frozen=True)
class VaultParams:
    """Cost parameters used when a vault (or a new passphrase) is created.

    Attributes:
        scrypt_n: scrypt CPU/memory cost (a power of two); memory is ``128 * n * r`` bytes.
        scrypt_r: scrypt block size.
        scrypt_p: scrypt parallelism.
        bcrypt_cost: log2 rounds of the bcrypt passphrase check.
    """

    scrypt_n: int = 2**16
    scrypt_r: int = 8
    scrypt_p: int = 1
    bcrypt_cost: int = 11


DEFAULT_PARAMS = VaultParams()


@dataclass(frozen=True)
class VaultKeys:
    """The per-purpose subkeys of an unlocked vault (never written anywhere)."""

    entry_key: bytes
    mac_key: bytes


def b64e(data: bytes) -> str:
    """Encode bytes as standard base64 text."""
    return base64.b64encode(data).decode("ascii")


def b64d(text: object, what: str) -> bytes:
    """Decode base64 text from the file; anything malformed means a damaged file."""
    if not isinstance(text, str):
        raise VaultTamperedError(f"The vault file is damaged: {what} is missing.")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise VaultTamperedError(f"The vault file is damaged: {what} is not valid.") from exc


def _normalize(passphrase: str) -> bytes:
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _prehash(passphrase: str) -> bytes:
    digest = hmac.new(_PREHASH_KEY, _normalize(passphrase), hashlib.sha256).digest()
    return base64.b64encode(digest)


def hash_passphrase(passphrase: str, cost: int) -> str:
    """Return the bcrypt string stored in the file to check the passphrase later."""
    return bcrypt.hashpw(_prehash(passphrase), bcrypt.gensalt(cost)).decode("ascii")


def passphrase_matches(passphrase: str, stored: object) -> bool:
    """Check ``passphrase`` against the stored bcrypt string.

    Raises:
        VaultTamperedError: If the stored string is not a bcrypt hash with a sane cost.
    """
    if not isinstance(stored, str) or not stored.startswith("$2"):
        raise VaultTamperedError("The vault file is damaged: the passphrase check is not valid.")
    try:
        cost = int(stored.split("$")[2])
        if cost not in _BCRYPT_COST:
            raise ValueError(cost)
        return bcrypt.checkpw(_prehash(passphrase), stored.encode("ascii"))
    except (ValueError, IndexError, UnicodeEncodeError) as exc:
        raise VaultTamperedError(
            "The vault file is damaged: the passphrase check is not valid."
        ) from exc


def new_kdf_header(params: VaultParams) -> dict[str, Any]:
    """Return the ``kdf`` header of a new vault, with a fresh random salt."""
    return {
        "name": "scrypt",
        "n": params.scrypt_n,
        "r": params.scrypt_r,
        "p": params.scrypt_p,
        "salt": b64e(os.urandom(SALT_BYTES)),
    }


def derive_keys(passphrase: str, kdf: object) -> VaultKeys:
    """Derive the subkeys from the passphrase and the file's ``kdf`` header.

    Raises:
        VaultTamperedError: If the header is malformed or asks for out-of-range costs.
    """
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt":
        raise VaultTamperedError("The vault file is damaged: unknown key derivation.")
    n, r, p = kdf.get("n"), kdf.get("r"), kdf.get("p")
    if not (isinstance(n, int) and isinstance(r, int) and isinstance(p, int)):
        raise VaultTamperedError("The vault file is damaged: key derivation costs are missing.")
    if (
        n.bit_length() - 1 not in _SCRYPT_LOG2_N
        or n & (n - 1)
        or r not in _SCRYPT_R
        or (p not in _SCRYPT_P)
    ):
        raise VaultTamperedError("The vault file is damaged: key derivation costs are invalid.")
    salt = b64d(kdf.get("salt"), "the salt")
    if len(salt) != SALT_BYTES:
        raise VaultTamperedError("The vault file is damaged: the salt is not valid.")
    master = Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(_normalize(passphrase))
    return VaultKeys(entry_key=_subkey(master, _INFO_ENTRY), mac_key=_subkey(master, _INFO_MAC))


def _subkey(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master)


def _aad(store_id: str) -> bytes:
    return f"{FORMAT_TAG}/v{FORMAT_VERSION}\x00{store_id}".encode()


def seal_entry(keys: VaultKeys, store_id: str, secret: str) -> dict[str, str]:
    """Encrypt one secret for ``store_id``; returns the entry as stored in the file."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys.entry_key).encrypt(nonce, secret.encode("utf-8"), _aad(store_id))
    return {"nonce": b64e(nonce), "ciphertext": b64e(sealed)}


def open_entry(keys: VaultKeys, store_id: str, entry: object) -> str:
    """Decrypt the entry stored under ``store_id``.

    Raises:
        VaultTamperedError: If the entry is malformed, altered or belongs to another store id.
    """
    if not isinstance(entry, dict):
        raise VaultTamperedError("The vault file is damaged: an entry is not valid.")
    nonce = b64d(entry.get("nonce"), "an entry nonce")
    sealed = b64d(entry.get("ciphertext"), "an entry")
    if len(nonce) != NONCE_BYTES:
        raise VaultTamperedError("The vault file is damaged: an entry nonce is not valid.")
    try:
        plain = AESGCM(keys.entry_key).decrypt(nonce, sealed, _aad(store_id))
    except InvalidTag as exc:
        raise VaultTamperedError(
            "The vault file was altered: an API key failed its integrity check."
        ) from exc
    return plain.decode("utf-8")


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """Serialise everything but the MAC in one stable form, the input of the file MAC."""
    body = {key: value for key, value in document.items() if key != "mac"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def file_mac(keys: VaultKeys, document: dict[str, Any]) -> str:
    """Return the file MAC of ``document`` as base64 text."""
    return b64e(hmac.new(keys.mac_key, canonical_bytes(document), hashlib.sha256).digest())


def check_file_mac(keys: VaultKeys, document: dict[str, Any]) -> None:
    """Verify the file MAC.

    Raises:
        VaultTamperedError: If the MAC is missing or does not match the content.
    """
    stored = b64d(document.get("mac"), "the file MAC")
    expected = hmac.new(keys.mac_key, canonical_bytes(document), hashlib.sha256).digest()
    if not hmac.compare_digest(stored, expected):
        raise VaultTamperedError(
            "The vault file was altered outside the app; its API keys cannot be trusted."
        )
