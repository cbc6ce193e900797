"""Declarative settings: defaults upserted, typed round trips, validation."""

from __future__ import annotations

import peewee as pw
import pytest

from app.core import settings
from app.core.db import Setting
from app.core.settings import SETTINGS, SettingError, SettingSpec

EXPECTED_DEFAULTS = {
    "mcp.socket_enabled": True,
    "mcp.http_enabled": False,
    "mcp.http_port": 8765,
    "mcp.paused": False,
    "mcp.allow_tokenless_read": False,
    "mcp.result_budget_tokens": 8000,
    "cache.orders_ttl": 15,
    "cache.inventory_ttl": 60,
    "cache.store_ttl": 3600,
    "log.level": "INFO",
    "index.enabled_for_real_stores": False,
    "mirror.max_age": 90,
    "mirror.feed_active": 5,
    "mirror.feed_idle": 60,
    "orderdesk.wait_deadline": 60,
    "client.rate_per_minute": 120,
    "client.burst": 240,
    "client.writes_per_minute": 30,
    "writes.duplicate_window": 60,
    "orders.saved_searches": "[]",
    "orders.hidden_columns": "[]",
}


def test_every_spec_default_has_its_declared_type() -> None:
    for spec in SETTINGS:
        assert spec.check(spec.default) == spec.default
        assert type(spec.default) is spec.type
        assert spec.description
    assert len({spec.key for spec in SETTINGS}) == len(SETTINGS)


def test_internal_settings_stay_out_of_the_settings_window() -> None:
    internal = {spec.key for spec in SETTINGS if spec.internal}
    assert internal == {"orders.saved_searches", "orders.hidden_columns"}


def test_defaults_are_upserted(db: pw.SqliteDatabase) -> None:
    inserted = settings.upsert_defaults()
    assert set(inserted) == {spec.key for spec in SETTINGS}
    assert Setting.select().count() == len(SETTINGS)
    assert settings.all_settings() == EXPECTED_DEFAULTS


def test_upsert_keeps_stored_values_and_adds_new_specs(db: pw.SqliteDatabase) -> None:
    settings.upsert_defaults()
    settings.set_value("mcp.http_port", 9000)
    newcomer = SettingSpec("ui.theme", "system", str, "Colour theme.")
    inserted = settings.upsert_defaults((*SETTINGS, newcomer))
    assert inserted == ["ui.theme"]
    assert settings.get_int("mcp.http_port") == 9000
    assert Setting.get_by_id("ui.theme").value == '"system"'


def test_unset_key_reads_its_default(db: pw.SqliteDatabase) -> None:
    assert settings.get_int("cache.orders_ttl") == 15


@pytest.mark.parametrize(
    ("key", "value", "getter"),
    [
        ("mcp.http_enabled", True, settings.get_bool),
        ("mcp.http_port", 8800, settings.get_int),
        ("log.level", "DEBUG", settings.get_str),
        ("client.burst", 10, settings.get_int),
    ],
)
def test_typed_round_trip(db: pw.SqliteDatabase, key: str, value: object, getter: object) -> None:
    settings.upsert_defaults()
    settings.set_value(key, value)  # type: ignore[arg-type]
    assert callable(getter)
    result = getter(key)
    assert result == value
    assert type(result) is type(value)


def test_values_are_stored_as_json(db: pw.SqliteDatabase) -> None:
    settings.set_value("mcp.paused", True)
    settings.set_value("log.level", "WARNING")
    assert Setting.get_by_id("mcp.paused").value == "true"
    assert Setting.get_by_id("log.level").value == '"WARNING"'


def test_float_settings_take_ints(db: pw.SqliteDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = SettingSpec("ui.scale", 1.0, float, "Zoom.", 0.5, 3.0)
    monkeypatch.setitem(settings._SPECS, spec.key, spec)
    settings.set_value("ui.scale", 2)
    assert settings.get_float("ui.scale") == 2.0
    assert isinstance(settings.get_float("ui.scale"), float)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mcp.http_port", True, "takes a whole number"),
        ("mcp.http_port", "8765", "takes a whole number"),
        ("mcp.http_port", 70000, "between"),
        ("mcp.http_enabled", 1, "takes true or false"),
        ("log.level", "LOUD", "one of"),
        ("cache.orders_ttl", -1, "between"),
        ("no.such.key", 1, "Unknown setting"),
    ],
)
def test_bad_values_are_refused(
    db: pw.SqliteDatabase, key: str, value: settings.SettingValue, message: str
) -> None:
    with pytest.raises(SettingError, match=message):
        settings.set_value(key, value)


def test_getter_of_the_wrong_type_is_refused(db: pw.SqliteDatabase) -> None:
    with pytest.raises(SettingError, match="holds a whole number"):
        settings.get_bool("mcp.http_port")


def test_unusable_stored_value_falls_back_to_the_default(
    db: pw.SqliteDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    Setting.create(key="cache.store_ttl", value="not json")
    Setting.create(key="mcp.http_port", value='"a string"')
    assert settings.get_int("cache.store_ttl") == 3600
    assert settings.get_int("mcp.http_port") == 8765
    assert "unusable stored value" in caplog.text


def test_reset_restores_the_default(db: pw.SqliteDatabase) -> None:
    settings.set_value("client.writes_per_minute", 5)
    settings.reset("client.writes_per_minute")
    assert settings.get_int("client.writes_per_minute") == 30
