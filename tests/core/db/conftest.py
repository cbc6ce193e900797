"""Fixtures for the storage tests: a temp database bound to the model proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee as pw
import pytest

from app.core.db import close_db, init_db


@pytest.fixture
def db(tmp_path: Path) -> Iterator[pw.SqliteDatabase]:
    """A fresh database in a temp file, bound and migrated; closed and unbound afterwards."""
    database = init_db(tmp_path / "test.db")
    try:
        yield database
    finally:
        close_db()
