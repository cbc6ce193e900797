"""Binding the late-bound :data:`~app.core.db.models.database` proxy to a SQLite file.

Threads: peewee's :class:`~peewee.SqliteDatabase` keeps one connection per thread (the default,
kept on purpose): the engine thread and the GUI thread each get their own and WAL lets them read
while the other writes. A worker thread should wrap its work in
``database.connection_context()`` so its connection closes when it is done. Transactions begin
``IMMEDIATE`` so a writer waits for the lock (``busy_timeout``) instead of failing half-way.
Keep transactions short and never hold one across an ``await``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import peewee as pw

from app.core import paths
from app.core.db.migrations import migrate
from app.core.db.models import database
from app.core.db.permissions import create_private_file, secure_db_files

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
"""How long a connection waits for another writer before raising ``database is locked``."""

PRAGMAS: tuple[tuple[str, object], ...] = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("busy_timeout", BUSY_TIMEOUT_MS),
    ("synchronous", "NORMAL"),
)
"""Applied to every new connection, in every thread."""


def open_database(path: Path) -> pw.SqliteDatabase:
    """Create (0600) and open a SQLite database with the app's pragmas, without binding it.

    Args:
        path: The database file; its folder must exist.

    Returns:
        A connected database (connected in the calling thread only).
    """
    create_private_file(path)
    db = pw.SqliteDatabase(
        str(path),
        pragmas=list(PRAGMAS),
        timeout=BUSY_TIMEOUT_MS / 1000,
        lock_type="IMMEDIATE",
    )
    _connect_when_free(db)
    return db


def _connect_when_free(db: pw.SqliteDatabase) -> None:
    """Connect, retrying while another process or thread holds the lock.

    Switching a new file to WAL needs an exclusive lock, and SQLite may answer "database is
    locked" at once instead of calling the busy handler (to avoid a deadlock) when two
    connections open the same new file together — the tray and a headless server can.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.connect()
            return
        except pw.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            if not db.is_closed():
                db.close()
            time.sleep(0.05)


def init_db(path: Path | None = None) -> pw.SqliteDatabase:
    """Bind the model proxy to ``path`` and migrate the schema to the latest version.

    Calling it again closes the previous binding first (in this thread).

    Args:
        path: The database file; defaults to :func:`app.core.paths.db_path`.

    Returns:
        The bound database, connected in the calling thread.

    Raises:
        SchemaTooNewError: The file was written by a newer app version.
    """
    close_db()
    path = Path(path) if path is not None else paths.db_path()
    db = open_database(path)
    try:
        version = migrate(db, path)
    except BaseException:
        db.close()
        raise
    database.initialize(db)
    secure_db_files(path)
    log.debug("Database %s ready at schema version %d", path.name, version)
    return db


def bound_database() -> pw.SqliteDatabase | None:
    """Return the database the proxy is bound to, or None."""
    db = database.obj
    return db if isinstance(db, pw.SqliteDatabase) else None


def close_db() -> None:
    """Close this thread's connection and unbind the proxy.

    Connections other threads opened must be closed by those threads (or by their
    ``connection_context``); peewee keeps them per thread.
    """
    db = bound_database()
    if db is None:
        return
    if not db.is_closed():
        db.close()
    database.initialize(None)
