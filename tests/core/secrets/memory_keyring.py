"""An in-memory keyring backend for tests.

Select it with ``PYTHON_KEYRING_BACKEND=tests.core.secrets.memory_keyring.MemoryKeyring`` (or
the ``test_keyring`` fixture). Set ``ORDERDESK_TEST_KEYRING_FILE`` to a path to share entries
between processes (e.g. a CLI subprocess in an end-to-end test): the file is plain JSON, so it
is for tests only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

FILE_ENV = "ORDERDESK_TEST_KEYRING_FILE"


class MemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict; can pretend to be locked or to fail.

    Attributes:
        locked: When True every call raises ``KeyringLocked``.
        fail_with: When set, every call raises this exception.
    """

    # Above every real backend. Defining the class registers it with keyring, so in a process
    # that imported this module keyring's auto-detection picks it too: tests never reach the
    # real keychain by accident.
    priority = 100

    def __init__(self) -> None:
        super().__init__()
        self.locked = False
        self.fail_with: BaseException | None = None
        self._entries: dict[str, dict[str, str]] = {}
        self._file = Path(os.environ[FILE_ENV]) if os.environ.get(FILE_ENV) else None

    @property
    def entries(self) -> dict[str, dict[str, str]]:
        """All stored passwords, ``{service: {username: password}}``."""
        if self._file is not None and self._file.exists():
            self._entries = json.loads(self._file.read_text())
        return self._entries

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.entries.get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.entries.setdefault(service, {})[username] = password
        self._flush()

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.entries.get(service, {}).pop(username, None) is None:
            raise PasswordDeleteError("not found")
        self._flush()

    def _check(self) -> None:
        if self.locked:
            raise KeyringLocked("the test keyring is locked")
        if self.fail_with is not None:
            raise self.fail_with

    def _flush(self) -> None:
        if self._file is not None:
            self._file.write_text(json.dumps(self._entries))
