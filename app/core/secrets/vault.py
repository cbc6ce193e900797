"""An encrypted vault file for API keys, used when no usable OS keychain exists.

The file is JSON (see :mod:`app.core.secrets.vault_crypto` for the scheme)::

    {"format": "orderdesk-tray-vault", "version": 1,
     "kdf": {"name": "scrypt", "n": 65536, "r": 8, "p": 1, "salt": "<b64>"},
     "check": "$2b$11$...",                      # bcrypt passphrase check
     "entries": {"<store id>": {"nonce": "<b64>", "ciphertext": "<b64>"}},
     "mac": "<b64 HMAC-SHA256 over everything above>"}

It is written atomically (temp file in the same folder, fsync, rename) with mode 0600. Derived
keys are kept in memory once unlocked; the passphrase itself is not kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core import paths
from app.core.secrets import vault_crypto as vc
from app.core.secrets.base import (
    SecretStoreError,
    VaultLocked,
    VaultPassphraseError,
    VaultTamperedError,
    check_secret,
    check_store_id,
)

PASSPHRASE_ENV = "ORDERDESK_TRAY_VAULT_PASSPHRASE"  # noqa: S105 (a variable name)

PassphraseProvider = Callable[[], str | None]
"""Asks the user for the vault passphrase; returns None when the user cancels."""


class VaultSecretStore:
    """API keys in an encrypted file below the data folder.

    Args:
        path: The vault file; defaults to :func:`app.core.paths.vault_path`.
        passphrase_provider: Called when the vault must be unlocked and
            ``ORDERDESK_TRAY_VAULT_PASSPHRASE`` is not set (the GUI passes a prompt).
        params: Costs used when a new vault is created (tests pass cheaper ones).
    """

    is_system = False
    backend_name = "encrypted vault file"

    def __init__(
        self,
        path: Path | None = None,
        passphrase_provider: PassphraseProvider | None = None,
        *,
        params: vc.VaultParams = vc.DEFAULT_PARAMS,
    ) -> None:
        self._path = path if path is not None else paths.vault_path()
        self._provider = passphrase_provider
        self._params = params
        self._keys: vc.VaultKeys | None = None
        self._header: dict[str, Any] | None = None
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        """The vault file."""
        return self._path

    def is_unlocked(self) -> bool:
        """Return True when keys are in memory or a passphrase is set in the environment."""
        return self._keys is not None or bool(os.environ.get(PASSPHRASE_ENV))

    def describe(self) -> str:
        """Return a UI sentence about the vault and, when locked, how to unlock it."""
        where = (
            f"API keys are kept in an encrypted vault file ({self._path}) "
            "because no system keychain is available."
        )
        if self.is_unlocked():
            return where
        return (
            f"{where} It is locked: enter the vault passphrase, or set "
            f"{PASSPHRASE_ENV} when running without a window."
        )

    def unlock(self, passphrase: str | None = None) -> None:
        """Unlock the vault (or choose the passphrase of a vault not created yet).

        Args:
            passphrase: The passphrase; when None it comes from the environment or the provider.

        Raises:
            VaultLocked: If no passphrase is available (a SecretStoreLocked).
            VaultPassphraseError: If the passphrase is wrong.
            VaultTamperedError: If the file was altered.
        """
        with self._lock:
            secret = passphrase or self._available_passphrase()
            if not secret:
                raise VaultLocked(self.describe())
            document = self._read()
            if document is None:
                header = {
                    "kdf": vc.new_kdf_header(self._params),
                    "check": vc.hash_passphrase(secret, self._params.bcrypt_cost),
                }
                self._keys, self._header = vc.derive_keys(secret, header["kdf"]), header
                return
            if not vc.passphrase_matches(secret, document.get("check")):
                raise VaultPassphraseError("The vault passphrase is not correct.")
            keys = vc.derive_keys(secret, document.get("kdf"))
            vc.check_file_mac(keys, document)
            self._keys, self._header = keys, _header_of(document)

    def lock(self) -> None:
        """Forget the keys held in memory."""
        with self._lock:
            self._keys, self._header = None, None

    def get(self, store_id: str) -> str | None:
        """Return the API key of ``store_id`` or None (see :class:`SecretStore`)."""
        check_store_id(store_id)
        with self._lock:
            keys, document = self._load()
            entry = document["entries"].get(store_id)
            return None if entry is None else vc.open_entry(keys, store_id, entry)

    def set(self, store_id: str, secret: str) -> None:
        """Encrypt and store the API key of ``store_id`` (see :class:`SecretStore`)."""
        check_store_id(store_id)
        check_secret(secret)
        with self._lock:
            keys, document = self._load()
            document["entries"][store_id] = vc.seal_entry(keys, store_id, secret)
            self._save(keys, document)

    def delete(self, store_id: str) -> None:
        """Remove the API key of ``store_id``; a missing key is fine."""
        check_store_id(store_id)
        with self._lock:
            keys, document = self._load()
            if document["entries"].pop(store_id, None) is not None:
                self._save(keys, document)

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-encrypt every entry under a new passphrase (fresh salt and check).

        Raises:
            ValueError: If the new passphrase is empty.
            SecretStoreError: If the vault cannot be unlocked or written.
        """
        if not new_passphrase:
            raise ValueError("The new vault passphrase must not be empty.")
        with self._lock:
            keys, document = self._load()
            plain = {sid: vc.open_entry(keys, sid, e) for sid, e in document["entries"].items()}
            header = {
                "kdf": vc.new_kdf_header(self._params),
                "check": vc.hash_passphrase(new_passphrase, self._params.bcrypt_cost),
            }
            new_keys = vc.derive_keys(new_passphrase, header["kdf"])
            entries = {sid: vc.seal_entry(new_keys, sid, s) for sid, s in plain.items()}
            self._save(new_keys, {**_new_document(header), "entries": entries})
            self._keys, self._header = new_keys, header

    def _available_passphrase(self) -> str | None:
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env:
            return from_env
        return self._provider() if self._provider is not None else None

    def _load(self) -> tuple[vc.VaultKeys, dict[str, Any]]:
        """Return the keys and the verified document (a new, empty one if there is no file)."""
        document = self._read()
        if self._keys is None or (document is not None and _header_of(document) != self._header):
            self._keys = None  # first use, or another process re-keyed the file
            self.unlock()
            document = self._read()
        assert self._keys is not None and self._header is not None
        if document is None:
            return self._keys, _new_document(self._header)
        vc.check_file_mac(self._keys, document)
        return self._keys, document

    def _read(self) -> dict[str, Any] | None:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SecretStoreError(f"The vault file could not be read: {exc.strerror}.") from exc
        return _parse(raw)

    def _save(self, keys: vc.VaultKeys, document: dict[str, Any]) -> None:
        document["mac"] = vc.file_mac(keys, document)
        data = json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"
        try:
            write_private_atomically(self._path, data)
        except OSError as exc:
            raise SecretStoreError(f"The vault file could not be saved: {exc.strerror}.") from exc


def _new_document(header: dict[str, Any]) -> dict[str, Any]:
    return {"format": vc.FORMAT_TAG, "version": vc.FORMAT_VERSION, **header, "entries": {}}


def _header_of(document: dict[str, Any]) -> dict[str, Any]:
    return {"kdf": document.get("kdf"), "check": document.get("check")}


def _parse(raw: bytes) -> dict[str, Any]:
    """Parse the file and check its outline (the MAC is checked once keys exist)."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise VaultTamperedError("The vault file is damaged: it is not valid JSON.") from exc
    if not isinstance(document, dict) or document.get("format") != vc.FORMAT_TAG:
        raise VaultTamperedError("The vault file is damaged: it is not an OrderDesk Tray vault.")
    version = document.get("version")
    if isinstance(version, int) and version > vc.FORMAT_VERSION:
        raise SecretStoreError("The vault file was made by a newer OrderDesk Tray; update the app.")
    if version != vc.FORMAT_VERSION or not isinstance(document.get("entries"), dict):
        raise VaultTamperedError("The vault file is damaged: its header is not valid.")
    return document


def write_private_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically; the file is readable by the owner only.

    The data goes to a temp file in the same folder (created 0600), is flushed to disk, then
    renamed over ``path``; on any failure the temp file is removed and ``path`` is untouched.

    Raises:
        OSError: If the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if sys.platform != "win32":
                os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":
        return
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
