"""Schema migrations: one small function per version step, each run in its own transaction.

The steps are plain SQL rather than ``create_tables`` on the models, so an old step keeps
producing the same schema after the models grow. Version ``n`` is ``MIGRATIONS[n - 1]``; the
``schema_version`` table records every applied step. Before an existing database is migrated,
its file is copied with SQLite's backup API to ``<db>.bak-v<old version>`` and only the newest
few backups are kept.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import peewee as pw

from app.core.db.models import SchemaVersion, utc_now
from app.core.db.permissions import create_private_file, make_private
from app.core.errors import ExpectedError

log = logging.getLogger(__name__)

Migration = Callable[[pw.Database], None]

KEEP_BACKUPS = 3
"""How many ``.bak-v<n>`` files to keep next to the database."""

_SCHEMA_VERSION_DDL = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER NOT NULL PRIMARY KEY,"
    " applied_at TEXT NOT NULL)"
)


class SchemaTooNewError(ExpectedError, RuntimeError):
    """The database was written by a newer version of the app than this one."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"The database has schema version {found}, but this version of OrderDesk Tray "
            f"understands only up to {supported}. Update the app, or restore an older backup."
        )
        self.found = found
        self.supported = supported


def run_sql(db: pw.Database, sql: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
    """Run one SQL statement on ``db`` (typed wrapper; peewee's stub leaves it untyped)."""
    cursor: sqlite3.Cursor = db.execute_sql(sql, params)  # type: ignore[no-untyped-call]
    return cursor


def _execute(db: pw.Database, *statements: str) -> None:
    for statement in statements:
        run_sql(db, statement)


def _v1_stores_and_settings(db: pw.Database) -> None:
    """Stores (no secrets) and the key/value settings table."""
    _execute(
        db,
        "CREATE TABLE store ("
        " id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
        " name TEXT NOT NULL COLLATE NOCASE UNIQUE,"
        " orderdesk_store_id TEXT NOT NULL,"
        " api_url TEXT,"
        " is_default INTEGER NOT NULL DEFAULT 0,"
        " index_enabled INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)",
        # At most one default store.
        "CREATE UNIQUE INDEX store_single_default ON store (is_default) WHERE is_default = 1",
        "CREATE TABLE setting (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
    )


def _v2_client_tokens_and_audit(db: pw.Database) -> None:
    """AI client tokens (hash only) and the audit log of writes."""
    _execute(
        db,
        "CREATE TABLE client_token ("
        " id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
        " name TEXT NOT NULL UNIQUE,"
        " token_hash TEXT NOT NULL UNIQUE,"
        " scopes TEXT NOT NULL DEFAULT '',"
        " store_allow_list TEXT,"
        " policy TEXT NOT NULL DEFAULT 'ask' CHECK (policy IN ('allow', 'ask', 'deny')),"
        " created_at TEXT NOT NULL,"
        " last_used_at TEXT,"
        " revoked_at TEXT)",
        "CREATE TABLE audit_event ("
        " id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
        " at TEXT NOT NULL,"
        " actor TEXT NOT NULL,"
        " store_id INTEGER,"
        " action TEXT NOT NULL,"
        " target TEXT,"
        " before_json TEXT,"
        " after_json TEXT,"
        " outcome TEXT NOT NULL)",
        "CREATE INDEX audit_event_store_at ON audit_event (store_id, at)",
    )


def _v3_store_is_demo(db: pw.Database) -> None:
    """Stores say whether they are the built-in demo (set by the demo wiring at registration)."""
    _execute(db, "ALTER TABLE store ADD COLUMN is_demo INTEGER NOT NULL DEFAULT 0")


def _v4_write_ledger(db: pw.Database) -> None:
    """The audit log becomes the write ledger: intent rows, their state and what was verified.

    Old rows keep their meaning: ``ok`` was applied, a failure that may have reached Order Desk
    is unknown (it was never checked), any other failure or refusal changed nothing.
    """
    _execute(
        db,
        "ALTER TABLE audit_event ADD COLUMN state TEXT NOT NULL DEFAULT 'applied'",
        "ALTER TABLE audit_event ADD COLUMN idem_key TEXT",
        "ALTER TABLE audit_event ADD COLUMN change_json TEXT",
        "ALTER TABLE audit_event ADD COLUMN owner TEXT",
        "ALTER TABLE audit_event ADD COLUMN completed_at TEXT",
        "ALTER TABLE audit_event ADD COLUMN verified TEXT",
        "ALTER TABLE audit_event ADD COLUMN window_ms REAL",
        "UPDATE audit_event SET state = CASE"
        " WHEN outcome = 'ok' THEN 'applied'"
        " WHEN outcome LIKE '%may have reached Order Desk%' THEN 'unknown'"
        " ELSE 'refused' END, completed_at = at",
        "CREATE INDEX audit_event_idem_key ON audit_event (idem_key, id)",
        "CREATE INDEX audit_event_open ON audit_event (state)"
        " WHERE state IN ('in_flight', 'unknown')",
    )


def _v5_audit_batch(db: pw.Database) -> None:
    """Ledger rows of one bulk job (one per order) share a batch id, so Activity groups them.

    Old rows have none (NULL): they were single writes.
    """
    _execute(
        db,
        "ALTER TABLE audit_event ADD COLUMN batch TEXT",
        "CREATE INDEX audit_event_batch ON audit_event (batch, id) WHERE batch IS NOT NULL",
    )


def _v6_store_info(db: pw.Database) -> None:
    """Each store's settings and folders as Order Desk last sent them (``GET /store``), with
    when: every process on the machine reads them here instead of asking again."""
    _execute(
        db,
        "CREATE TABLE store_info ("
        " store_id INTEGER PRIMARY KEY REFERENCES store (id) ON DELETE CASCADE,"
        " fetched_at REAL NOT NULL,"
        " settings_json TEXT NOT NULL)",
    )


MIGRATIONS: tuple[Migration, ...] = (
    _v1_stores_and_settings,
    _v2_client_tokens_and_audit,
    _v3_store_is_demo,
    _v4_write_ledger,
    _v5_audit_batch,
    _v6_store_info,
)
"""Every migration step in order; the schema version is the number of steps applied."""

LATEST_VERSION = len(MIGRATIONS)


def schema_version(db: pw.Database) -> int:
    """Return the applied schema version, 0 for an empty database.

    Args:
        db: A connected database.
    """
    if not db.table_exists("schema_version"):
        return 0
    row = run_sql(db, "SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(
    db: pw.Database,
    db_file: Path | None = None,
    steps: Sequence[Migration] = MIGRATIONS,
    keep_backups: int = KEEP_BACKUPS,
) -> int:
    """Bring the schema up to ``len(steps)``, backing up an existing database first.

    Each step runs in an immediate transaction that re-reads the version, so two processes
    starting at once on one data folder apply each step exactly once.

    Args:
        db: A connected database.
        db_file: The database file, for the backup; None skips the backup (in-memory DBs).
        steps: The migration steps; tests pass their own.
        keep_backups: How many backup files to keep.

    Returns:
        The schema version after migrating.

    Raises:
        SchemaTooNewError: The database is newer than ``steps`` knows.
    """
    run_sql(db, _SCHEMA_VERSION_DDL)
    current = schema_version(db)
    if current > len(steps):
        raise SchemaTooNewError(current, len(steps))
    if current == len(steps):
        return current
    if current > 0 and db_file is not None:
        backup_database(db, db_file, current, keep_backups)
    for version in range(current + 1, len(steps) + 1):
        _apply_step(db, version, steps[version - 1])
    return len(steps)


def _apply_step(db: pw.Database, version: int, step: Migration) -> None:
    with db.atomic(lock_type="IMMEDIATE"):
        if schema_version(db) >= version:
            return  # another process got there first
        log.info("Migrating the database to schema version %d", version)
        step(db)
        run_sql(
            db,
            "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
            (version, SchemaVersion.applied_at.db_value(utc_now())),
        )


def backup_path(db_file: Path, version: int) -> Path:
    """Return where the backup of ``db_file`` at schema ``version`` goes."""
    return db_file.with_name(f"{db_file.name}.bak-v{version}")


def backup_database(db: pw.Database, db_file: Path, version: int, keep: int = KEEP_BACKUPS) -> Path:
    """Copy the live database with SQLite's backup API and prune old backups.

    Args:
        db: The connected database to copy.
        db_file: The database file (names the backup).
        version: The schema version being backed up.
        keep: How many backups to keep, newest schema versions first.

    Returns:
        The path of the new backup file (user-only permissions).
    """
    target = backup_path(db_file, version)
    target.unlink(missing_ok=True)
    create_private_file(target)
    with closing(sqlite3.connect(target)) as dest:
        source: sqlite3.Connection = db.connection()  # type: ignore[no-untyped-call]
        source.backup(dest)
    make_private(target)
    log.info("Backed up the database to %s before migrating", target.name)
    prune_backups(db_file, keep)
    return target


def list_backups(db_file: Path) -> list[Path]:
    """Return the backups of ``db_file``, oldest schema version first."""
    pattern = re.compile(re.escape(db_file.name) + r"\.bak-v(\d+)$")
    found: list[tuple[int, Path]] = []
    for path in db_file.parent.glob(f"{db_file.name}.bak-v*"):
        match = pattern.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return [path for _, path in sorted(found)]


def prune_backups(db_file: Path, keep: int = KEEP_BACKUPS) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``db_file``; return what was deleted."""
    backups = list_backups(db_file)
    doomed = backups[: max(0, len(backups) - keep)]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
