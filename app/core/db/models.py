"""Peewee models: plain rows, no behaviour beyond small conveniences.

Every model binds to :data:`database`, a :class:`peewee.DatabaseProxy` that
:func:`app.core.db.connection.init_db` binds to a real SQLite file at start-up (tests bind a temp
file). The tables themselves are created by the migration steps in
:mod:`app.core.db.migrations`, never by ``create_tables``, so the models must match the DDL there
(a test checks that).

No secret ever lives in these tables: Order Desk API keys are in the keychain and client tokens
are stored only as a SHA-256 hash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import peewee as pw

database = pw.DatabaseProxy()

# One fixed-width text format sorts the same as time, so an index on it orders by time.
_UTC_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

POLICIES = ("allow", "ask", "deny")
"""What happens when a client with a token attempts a write."""

if TYPE_CHECKING:
    _UtcBase = pw.Field[datetime]
    _OptionalUtcBase = pw.Field[datetime | None]
else:
    _UtcBase = _OptionalUtcBase = pw.Field


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def _to_db(value: Any) -> Any:
    if value is None or not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC field; use an aware datetime")
    return value.astimezone(UTC).strftime(_UTC_FORMAT)


def _from_db(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return datetime.strptime(value, _UTC_FORMAT).replace(tzinfo=UTC)


class UtcDateTimeField(_UtcBase):
    """A timestamp stored as fixed-width UTC text and read back as an aware datetime."""

    field_type = "TEXT"

    def db_value(self, value: Any) -> Any:
        """Convert an aware datetime to its stored text."""
        return _to_db(value)

    def python_value(self, value: Any) -> Any:
        """Convert stored text to an aware UTC datetime."""
        return _from_db(value)


class OptionalUtcDateTimeField(_OptionalUtcBase):
    """Like :class:`UtcDateTimeField`, but nullable."""

    field_type = "TEXT"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("null", True)
        super().__init__(*args, **kwargs)

    def db_value(self, value: Any) -> Any:
        """Convert an aware datetime (or None) to its stored text."""
        return _to_db(value)

    def python_value(self, value: Any) -> Any:
        """Convert stored text (or None) to an aware UTC datetime."""
        return _from_db(value)


class BaseModel(pw.Model):
    """Base of every model: binds to the late-bound :data:`database` proxy."""

    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row per applied migration step; the highest ``version`` is the schema version."""

    version = pw.IntegerField(primary_key=True)
    applied_at = UtcDateTimeField(default=utc_now)

    class Meta:
        table_name = "schema_version"


class Store(BaseModel):
    """An Order Desk store the user registered. Its API key lives in the keychain, not here."""

    id = pw.AutoField()
    name = pw.CharField(unique=True, collation="NOCASE")
    orderdesk_store_id = pw.CharField()
    api_url = pw.CharField(null=True)
    is_default = pw.BooleanField(default=False)
    index_enabled = pw.BooleanField(default=False)
    is_demo = pw.BooleanField(default=False)
    created_at = UtcDateTimeField(default=utc_now)
    updated_at = UtcDateTimeField(default=utc_now)


class ClientToken(BaseModel):
    """An AI client's credential: only the SHA-256 hash of the token is stored.

    ``scopes`` is a comma list of scope names; ``store_allow_list`` a comma list of
    :class:`Store` ids, or None for every store. See :mod:`app.core.db.tokens`.
    """

    id = pw.AutoField()
    name = pw.CharField(unique=True)
    token_hash = pw.CharField(unique=True)
    scopes = pw.TextField(default="")
    store_allow_list = pw.TextField(null=True)
    policy = pw.CharField(default="ask")
    created_at = UtcDateTimeField(default=utc_now)
    last_used_at = OptionalUtcDateTimeField()
    revoked_at = OptionalUtcDateTimeField()

    class Meta:
        table_name = "client_token"


class AuditEvent(BaseModel):
    """One row of the write ledger (the audit log): a write made through the GUI or an MCP
    client, committed as an intent before anything is sent and completed with its outcome.

    ``store_id`` is a plain integer, not a foreign key: the history outlives a removed store.
    ``state`` is one of :data:`app.core.services.ledger.STATES`; ``idem_key`` identifies
    identical writes (target + content); ``owner`` names the process that sent it;
    ``verified`` says what a reconciling read of Order Desk found; ``window_ms`` is the
    measured time between an update's GET and its PUT; ``batch`` groups the rows of one bulk
    job (one row per order, the same batch id).
    """

    id = pw.AutoField()
    at = UtcDateTimeField(default=utc_now)
    actor = pw.CharField()
    store_id = pw.IntegerField(null=True)
    action = pw.CharField()
    target = pw.CharField(null=True)
    before_json = pw.TextField(null=True)
    after_json = pw.TextField(null=True)
    outcome = pw.CharField()
    state = pw.CharField(default="applied")
    idem_key = pw.CharField(null=True)
    change_json = pw.TextField(null=True)
    owner = pw.CharField(null=True)
    completed_at = OptionalUtcDateTimeField()
    verified = pw.TextField(null=True)
    window_ms = pw.FloatField(null=True)
    batch = pw.CharField(null=True)

    class Meta:
        table_name = "audit_event"


class Setting(BaseModel):
    """One user setting; ``value`` is JSON text. See :mod:`app.core.settings`."""

    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class StoreInfoRow(BaseModel):
    """A store's settings as ``GET /store`` last returned them (shared by every process)."""

    store = pw.ForeignKeyField(Store, primary_key=True, on_delete="CASCADE", column_name="store_id")
    fetched_at = pw.FloatField()
    """When Order Desk sent them (epoch seconds)."""
    settings_json = pw.TextField()

    class Meta:
        table_name = "store_info"


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion, Store, ClientToken, AuditEvent, Setting, StoreInfoRow,
)  # fmt: skip
