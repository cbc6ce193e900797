"""Storage: SQLite through peewee, bound late so tests can swap in a temp file.

Start-up calls :func:`init_db` once (it creates, secures and migrates the file); models are used
anywhere after that. See :mod:`app.core.db.connection` for the threading rules.
"""

from __future__ import annotations

from app.core.db.connection import PRAGMAS, bound_database, close_db, init_db, open_database
from app.core.db.migrations import LATEST_VERSION, SchemaTooNewError, migrate, schema_version
from app.core.db.models import (
    ALL_MODELS,
    POLICIES,
    AuditEvent,
    BaseModel,
    ClientToken,
    SchemaVersion,
    Setting,
    Store,
    database,
    utc_now,
)

__all__ = [
    "ALL_MODELS",
    "LATEST_VERSION",
    "POLICIES",
    "PRAGMAS",
    "AuditEvent",
    "BaseModel",
    "ClientToken",
    "SchemaTooNewError",
    "SchemaVersion",
    "Setting",
    "Store",
    "bound_database",
    "close_db",
    "database",
    "init_db",
    "migrate",
    "open_database",
    "schema_version",
    "utc_now",
]
