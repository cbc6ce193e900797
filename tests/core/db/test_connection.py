"""The proxy binding, pragmas, permissions and per-thread connections."""

from __future__ import annotations

import stat
import sys
import threading
from pathlib import Path

import peewee as pw
import pytest

from app.core import paths
from app.core.db import Store, bound_database, close_db, database, init_db
from app.core.db.migrations import run_sql

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def _pragma(db: pw.SqliteDatabase, name: str) -> object:
    row = run_sql(db, f"PRAGMA {name}").fetchone()
    return row[0] if row else None


def test_pragmas_are_set(db: pw.SqliteDatabase) -> None:
    assert _pragma(db, "journal_mode") == "wal"
    assert _pragma(db, "foreign_keys") == 1
    assert _pragma(db, "busy_timeout") == 5000
    assert _pragma(db, "synchronous") == 1  # NORMAL


def test_init_db_defaults_to_the_data_folder(data_home: Path) -> None:
    db = init_db()
    try:
        assert Path(db.database) == paths.db_path()
        assert Path(db.database).parent == data_home
    finally:
        close_db()


def test_close_db_unbinds_the_proxy(tmp_path: Path) -> None:
    init_db(tmp_path / "a.db")
    close_db()
    assert bound_database() is None
    with pytest.raises(AttributeError):
        Store.select().count()
    close_db()  # a second close is harmless


def test_init_db_twice_rebinds(tmp_path: Path) -> None:
    first = init_db(tmp_path / "a.db")
    second = init_db(tmp_path / "b.db")
    try:
        assert first.is_closed()
        assert database.obj is second
    finally:
        close_db()


@posix_only
def test_db_files_are_user_only(db: pw.SqliteDatabase) -> None:
    Store.create(name="Main", orderdesk_store_id="1")
    files = [Path(db.database + suffix) for suffix in ("", "-wal", "-shm")]
    for path in files:
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@posix_only
def test_existing_loose_permissions_are_tightened(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    init_db(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        close_db()


def test_two_threads_get_their_own_connections(db: pw.SqliteDatabase) -> None:
    main_conn = db.connection()
    seen: dict[str, object] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            with database.connection_context():
                seen[name] = db.connection()
                Store.create(name=name, orderdesk_store_id=name)
                seen[name + "-count"] = Store.select().count()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("engine", "gui")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert seen["engine"] is not seen["gui"]
    assert main_conn not in (seen["engine"], seen["gui"])
    assert {s.name for s in Store.select()} == {"engine", "gui"}


def test_a_thread_reads_while_another_holds_a_write(db: pw.SqliteDatabase) -> None:
    Store.create(name="Before", orderdesk_store_id="1")
    counts: list[int] = []
    with database.atomic():
        Store.create(name="Uncommitted", orderdesk_store_id="2")

        def reader() -> None:
            with database.connection_context():
                counts.append(Store.select().count())

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join()
    assert counts == [1]  # WAL: the reader is not blocked and sees committed rows only
    assert Store.select().count() == 2
