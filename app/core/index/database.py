"""The index file of one store: a private SQLite file (WAL), its schema and health check.

The index is a cache of Order Desk data in its own file below ``paths.index_dir()``; it is
never the app database. A file of the previous schema is upgraded in place
(:mod:`app.core.index.schema`). When the file cannot be opened, fails ``PRAGMA quick_check``,
or was written by another schema version, it is deleted and recreated empty (then filled by a
full sync). Each thread gets its own connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from app.core import paths
from app.core.errors import ExpectedError
from app.core.index.schema import (
    SCHEMA,
    SCHEMA_VERSION,
    SEEN_TABLE,
    UPGRADABLE_FROM,
    upgrade_from_3,
)

log = logging.getLogger(__name__)

FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class IndexUnavailable(ExpectedError):
    """The index file cannot be used (corrupt, removed, or the disk refused it).

    The message is the detail; the sentence says it is about the local order index.
    """

    def __init__(self, detail: str) -> None:
        """Create the error from what went wrong with the index file."""
        super().__init__(
            f"The local order index cannot be used right now: {detail.rstrip('.')}.",
            "Orders can still be read from Order Desk directly; if this lasts, report it.",
        )


def index_path(store_id: str) -> Path:
    """The index file of a store (our store id), inside the private index folder."""
    name = store_id if _SAFE_NAME.match(store_id) else hashlib.sha256(store_id.encode()).hexdigest()
    return paths.index_dir() / f"orders-{name}.sqlite3"


def delete_files(path: Path) -> None:
    """Delete an index file and its WAL, shared-memory and journal companions."""
    for suffix in FILE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if sys.platform != "win32":
        path.chmod(0o600)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=15.0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA temp_store=MEMORY")
    connection.execute("PRAGMA cache_size=-32000")
    return connection


def check_file(path: Path, store_id: str) -> str | None:
    """Return why an existing index file cannot be used, or ``None`` when it is healthy."""
    try:
        connection = sqlite3.connect(path, timeout=15.0, isolation_level=None)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()
            if result is None or result[0] != "ok":
                return f"quick_check reported {result[0] if result else 'nothing'}"
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return f"cannot be read ({exc})"
    if meta.get("schema_version") not in (SCHEMA_VERSION, UPGRADABLE_FROM):
        return f"schema version {meta.get('schema_version')!r}, expected {SCHEMA_VERSION}"
    if meta.get("store_id") != store_id:
        return "it belongs to another store"
    return None


def _initialise(path: Path, store_id: str) -> None:
    # The schema version goes in last: a file left half-made by a crash fails the check.
    _create_private(path)
    connection = _connect(path)
    try:
        connection.executescript(SCHEMA + SEEN_TABLE)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)",
            [("schema_version", SCHEMA_VERSION), ("store_id", store_id)],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _upgrade(path: Path) -> None:
    connection = _connect(path)
    try:
        connection.execute(SEEN_TABLE)
        (version,) = connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version == UPGRADABLE_FROM:
            log.info("upgrading order index %s to schema %s", path.name, SCHEMA_VERSION)
            upgrade_from_3(connection)
    finally:
        connection.close()


class IndexDatabase:
    """One store's index file with a connection per thread.

    Use :meth:`open`; it checks, repairs (by recreating) and returns the database.
    """

    def __init__(self, path: Path, *, rebuilt: bool) -> None:
        self.path = path
        self.rebuilt = rebuilt
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def open(cls, store_id: str, path: Path | None = None) -> IndexDatabase:
        """Open (creating or rebuilding as needed) the index of ``store_id``.

        Args:
            store_id: Our id of the store; recorded in the file and checked on open.
            path: The file; by default :func:`index_path` of the store.

        Returns:
            The database; ``rebuilt`` says whether a bad file was replaced.
        """
        path = path or index_path(store_id)
        rebuilt = False
        if path.exists():
            problem = check_file(path, store_id)
            if problem is not None:
                log.warning("order index %s is unusable (%s); rebuilding it", path.name, problem)
                delete_files(path)
                rebuilt = True
        if not path.exists():
            _initialise(path, store_id)
        else:
            _upgrade(path)
            if sys.platform != "win32":
                path.chmod(0o600)
        return cls(path, rebuilt=rebuilt)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        if self._closed:
            raise IndexUnavailable("the order index was closed or removed")
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = _connect(self.path)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection (committed or rolled back)."""
        connection = self.connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection; further use raises :class:`IndexUnavailable`."""
        self._closed = True
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            with contextlib.suppress(sqlite3.Error):
                connection.close()

    def size_bytes(self) -> int:
        """Bytes on disk of the file and its WAL."""
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(FileNotFoundError):
                total += Path(f"{self.path}{suffix}").stat().st_size
        return total
