"""The plain models: constraints and the UTC timestamp field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import peewee as pw
import pytest

from app.core.db import AuditEvent, ClientToken, Setting, Store


def test_store_names_are_unique_ignoring_case(db: pw.SqliteDatabase) -> None:
    Store.create(name="Main Shop", orderdesk_store_id="1")
    with pytest.raises(pw.IntegrityError):
        Store.create(name="main shop", orderdesk_store_id="2")
    assert Store.get(Store.name == "MAIN SHOP").orderdesk_store_id == "1"


def test_only_one_default_store(db: pw.SqliteDatabase) -> None:
    Store.create(name="A", orderdesk_store_id="1", is_default=True)
    Store.create(name="B", orderdesk_store_id="2")
    with pytest.raises(pw.IntegrityError):
        Store.create(name="C", orderdesk_store_id="3", is_default=True)


def test_store_defaults(db: pw.SqliteDatabase) -> None:
    store = Store.get_by_id(Store.create(name="A", orderdesk_store_id="1").id)
    assert store.api_url is None
    assert store.is_default is False
    assert store.index_enabled is False
    assert store.created_at.tzinfo is UTC


def test_timestamps_round_trip_as_utc(db: pw.SqliteDatabase) -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2025, 3, 4, 12, 30, 5, 123456, tzinfo=plus_two)
    event = AuditEvent.create(at=moment, actor="gui", action="orders_update", outcome="ok")
    stored = AuditEvent.get_by_id(event.id).at
    assert stored == moment
    assert stored.tzinfo is UTC
    assert stored.hour == 10


def test_naive_timestamps_are_refused(db: pw.SqliteDatabase) -> None:
    with pytest.raises(ValueError, match="naive"):
        AuditEvent.create(at=datetime(2025, 1, 1), actor="gui", action="x", outcome="ok")


def test_audit_events_order_by_time_per_store(db: pw.SqliteDatabase) -> None:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    for minutes in (30, 5, 600):
        AuditEvent.create(
            at=base + timedelta(minutes=minutes),
            actor="mcp:Claude",
            store_id=1,
            action="order_history_add",
            target="123",
            after_json='{"note": "hi"}',
            outcome="ok",
        )
    query = AuditEvent.select().where(AuditEvent.store_id == 1).order_by(AuditEvent.at)
    assert [e.at.minute + 60 * e.at.hour for e in query] == [5, 30, 600]


def test_policy_is_checked_by_the_schema(db: pw.SqliteDatabase) -> None:
    with pytest.raises(pw.IntegrityError):
        ClientToken.create(name="x", token_hash="h", policy="sometimes")


def test_setting_key_is_the_primary_key(db: pw.SqliteDatabase) -> None:
    Setting.create(key="a", value="1")
    with pytest.raises(pw.IntegrityError):
        Setting.create(key="a", value="2")
