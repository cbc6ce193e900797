"""User-only file permissions for the database, its WAL/SHM side files and backups.

SQLite creates ``-wal`` and ``-shm`` with the permissions of the main file, so creating the main
file ``0600`` before SQLite opens it covers them; :func:`secure_db_files` tightens files that
already exist (an older install, or a file created by another tool). No-ops on Windows, where the
per-user data folder already has a private ACL.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

SIDE_FILE_SUFFIXES = ("-wal", "-shm", "-journal")


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist yet."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    make_private(path)


def make_private(path: Path) -> None:
    """Set mode 0600 on ``path`` if it exists (not on Windows)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(FileNotFoundError):
        path.chmod(0o600)


def secure_db_files(db_file: Path) -> None:
    """Make the database file and its side files readable by the owner only."""
    make_private(db_file)
    for suffix in SIDE_FILE_SUFFIXES:
        make_private(db_file.with_name(db_file.name + suffix))
