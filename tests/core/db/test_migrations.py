"""Schema migrations: from empty, from an older version, backups, failures."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import peewee as pw
import pytest

from app.core.db import (
    ALL_MODELS,
    LATEST_VERSION,
    SchemaTooNewError,
    close_db,
    init_db,
    open_database,
    schema_version,
)
from app.core.db.migrations import (
    MIGRATIONS,
    backup_path,
    list_backups,
    migrate,
    prune_backups,
    run_sql,
)


def _tables(db: pw.SqliteDatabase) -> set[str]:
    return set(db.get_tables())


def _make_old_db(path: Path, version: int) -> None:
    """A database file stuck at ``version``, with one store in it."""
    db = open_database(path)
    try:
        migrate(db, path, steps=MIGRATIONS[:version])
        run_sql(
            db,
            "INSERT INTO store (name, orderdesk_store_id, created_at, updated_at)"
            " VALUES ('Old', '7', '2024-01-01 00:00:00.000000', '2024-01-01 00:00:00.000000')",
        )
    finally:
        db.close()


def test_migrates_an_empty_database(db: pw.SqliteDatabase) -> None:
    assert schema_version(db) == LATEST_VERSION
    assert {"schema_version", "store", "client_token", "audit_event", "setting"} <= _tables(db)
    versions = [row[0] for row in run_sql(db, "SELECT version FROM schema_version").fetchall()]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_a_fresh_database_gets_no_backup(db: pw.SqliteDatabase) -> None:
    assert list_backups(Path(db.database)) == []


def test_models_match_the_migrated_schema(db: pw.SqliteDatabase) -> None:
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {column.name for column in db.get_columns(table)}
        assert columns == set(model._meta.columns), table


def test_audit_index_on_store_and_time(db: pw.SqliteDatabase) -> None:
    indexes = {index.name: index.columns for index in db.get_indexes("audit_event")}
    assert indexes["audit_event_store_at"] == ["store_id", "at"]
    assert indexes["audit_event_batch"] == ["batch", "id"]  # Activity's bulk groups


def test_migrating_again_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    init_db(path)
    close_db()
    db = init_db(path)
    try:
        assert schema_version(db) == LATEST_VERSION
        assert list_backups(path) == []
    finally:
        close_db()


def test_migrates_an_older_database_and_backs_it_up(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_old_db(path, 1)

    db = init_db(path)
    try:
        assert schema_version(db) == LATEST_VERSION
        assert "client_token" in _tables(db)
        rows = run_sql(db, "SELECT name, is_demo FROM store").fetchall()
        assert [tuple(row) for row in rows] == [("Old", 0)]
    finally:
        close_db()

    backup = backup_path(path, 1)
    assert list_backups(path) == [backup]
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone() == (1,)
        assert conn.execute("SELECT name FROM store").fetchall() == [("Old",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "client_token" not in tables


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "many.db"
    path.touch()
    for version in (1, 2, 3, 4, 10):
        backup_path(path, version).write_bytes(b"x")
    removed = prune_backups(path, keep=3)
    assert sorted(p.name for p in removed) == ["many.db.bak-v1", "many.db.bak-v2"]
    assert [p.name for p in list_backups(path)] == [
        "many.db.bak-v3",
        "many.db.bak-v4",
        "many.db.bak-v10",
    ]


def test_a_failing_step_rolls_back_and_keeps_the_old_version(tmp_path: Path) -> None:
    def broken_step(db: pw.Database) -> None:
        run_sql(db, "CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("boom")

    path = tmp_path / "broken.db"
    db = open_database(path)
    try:
        migrate(db, path, steps=MIGRATIONS[:1])
        with pytest.raises(RuntimeError, match="boom"):
            migrate(db, path, steps=(*MIGRATIONS[:1], broken_step))
        assert schema_version(db) == 1
        assert "half_done" not in _tables(db)
        assert list_backups(path) == [backup_path(path, 1)]
    finally:
        db.close()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = open_database(path)
    try:
        migrate(db, path)
        run_sql(
            db,
            "INSERT INTO schema_version VALUES (?, '2099-01-01 00:00:00.000000')",
            (LATEST_VERSION + 1,),
        )
    finally:
        db.close()
    with pytest.raises(SchemaTooNewError, match="Update the app"):
        init_db(path)


def test_two_racing_openers_apply_each_step_once(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def opener() -> None:
        db = None
        try:
            barrier.wait(timeout=10)  # both open the new file at once, like two processes
            db = open_database(path)
            results.append(migrate(db, path))
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            if db is not None:
                db.close()

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == [LATEST_VERSION, LATEST_VERSION]
    with closing(sqlite3.connect(path)) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_old_audit_rows_become_ledger_rows(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    _make_old_db(path, 3)
    db = open_database(path)
    try:
        for outcome in (
            "ok",
            "refused: repeat",
            "failed: POST x failed: may have reached Order Desk",
        ):
            run_sql(
                db,
                "INSERT INTO audit_event (at, actor, action, outcome)"
                " VALUES ('2024-01-01 00:00:00.000000', 'gui', 'order.note', ?)",
                (outcome,),
            )
    finally:
        db.close()
    db = init_db(path)
    try:
        rows = run_sql(db, "SELECT state, completed_at FROM audit_event ORDER BY id").fetchall()
        assert [row[0] for row in rows] == ["applied", "refused", "unknown"]
        assert all(row[1] == "2024-01-01 00:00:00.000000" for row in rows)
    finally:
        close_db()
