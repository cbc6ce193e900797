"""The index file: permissions, corruption and schema mismatch rebuilt, removal deletes it."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import sys
from pathlib import Path

import peewee as pw
import pytest

from app.core import paths
from app.core.index import IndexState, index_path
from app.core.index.database import IndexDatabase
from tests.core.index.conftest import ORDERS, IndexBox

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _leftovers(path: Path) -> list[Path]:
    candidates = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    return [candidate for candidate in candidates if candidate.exists()]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@posix_only
async def test_index_file_and_folder_are_private(synced: IndexBox) -> None:
    path = index_path("s1")
    assert path.parent == paths.index_dir()
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    await synced.service.search(synced.store, "maria")  # opens reader connections (WAL, shm)
    for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if companion.exists():
            assert _mode(companion) == 0o600, companion.name


def test_unsafe_store_ids_get_a_hashed_file_name() -> None:
    path = index_path("../../etc/passwd")
    assert path.parent == paths.index_dir()
    assert ".." not in path.name and "/" not in path.name


async def _corrupt_and_resync(box: IndexBox, damage: bytes, at: int) -> None:
    await box.service.aclose()  # a fresh process: nothing open, nothing cached
    path = index_path("s1")
    with path.open("r+b") as handle:
        handle.seek(at)
        handle.write(damage)
    box.remote.reset_counts()


@pytest.mark.parametrize(
    ("damage", "at"),
    [(b"this is not a database at all!!!" * 4, 0), (b"\xde\xad\xbe\xef" * 2048, 8192)],
    ids=["header", "pages"],
)
async def test_a_corrupt_index_is_rebuilt_without_touching_the_app_database(
    synced: IndexBox, db: pw.SqliteDatabase, damage: bytes, at: int
) -> None:
    app_db = Path(db.database)
    before = _digest(app_db)
    await _corrupt_and_resync(synced, damage, at)

    report = await synced.service.sync(synced.store)

    assert report.rebuilt and report.mode == "full"
    assert synced.order_requests() == 3
    status = await synced.service.status(synced.store)
    assert status.count == ORDERS and status.state is IndexState.READY
    assert (await synced.service.search(synced.store, "maria")).total > 0
    assert _digest(app_db) == before


async def test_an_index_from_another_schema_version_is_rebuilt(synced: IndexBox) -> None:
    await synced.service.aclose()
    with sqlite3.connect(index_path("s1")) as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    connection.close()

    report = await synced.service.sync(synced.store)

    assert report.rebuilt and report.mode == "full"
    assert (await synced.service.status(synced.store)).count == ORDERS


def test_quick_check_failure_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite3"
    IndexDatabase.open("s9", path).close()
    path.write_bytes(path.read_bytes()[:100] + b"\x00" * 50)  # truncated file

    db = IndexDatabase.open("s9", path)

    assert db.rebuilt
    db.close()


async def test_removing_a_store_deletes_its_index_file(synced: IndexBox) -> None:
    path = index_path("s1")
    assert path.exists()

    await synced.service.remove("s1")

    assert _leftovers(path) == []
    status = await synced.service.status("s1")
    assert status.state is IndexState.EMPTY and status.count == 0
