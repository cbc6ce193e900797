"""Fixtures shared by every test: a temp data folder, a temp database, a test keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import peewee as pw
import pytest

from app.core.db import close_db, init_db
from tests.core.secrets.memory_keyring import MemoryKeyring

_ISOLATED_ENV = (
    "ORDERDESK_TRAY_TOKEN",
    "ORDERDESK_API_URL",
    "ORDERDESK_TRAY_LOG_LEVEL",
    "ORDERDESK_TRAY_VAULT_PASSPHRASE",
    "ORDERDESK_TEST_KEYRING_FILE",
)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder in ``ORDERDESK_TRAY_HOME``."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ORDERDESK_TRAY_HOME", str(home))
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture
def db(tmp_path: Path) -> Iterator[pw.SqliteDatabase]:
    """A fresh database in a temp file, bound and migrated; closed and unbound afterwards."""
    database = init_db(tmp_path / "test.db")
    try:
        yield database
    finally:
        close_db()


@pytest.fixture
def test_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Force an empty in-memory keyring for this test, in-process and for subprocesses."""
    monkeypatch.setenv(
        "PYTHON_KEYRING_BACKEND", f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    )
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
