"""Pure conversions: money, ids, integers, dates, query values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from app.core.orderdesk.values import (
    format_datetime,
    format_query_value,
    to_date,
    to_datetime,
    to_id,
    to_int,
    to_money,
    to_optional_int,
)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (21.17, Decimal("21.17")),
        ("24.00", Decimal("24.00")),
        ("1.70", Decimal("1.70")),
        (3, Decimal(3)),
        (0.1, Decimal("0.1")),
        (" 7.5 ", Decimal("7.5")),
        (None, Decimal(0)),
        ("", Decimal(0)),
        (Decimal("9.99"), Decimal("9.99")),
    ],
)
def test_to_money_is_exact(wire: object, expected: Decimal) -> None:
    assert to_money(wire) == expected


@pytest.mark.parametrize("wire", ["abc", True, [1], "NaN", "Infinity", {}])
def test_to_money_refuses_non_numbers(wire: object) -> None:
    with pytest.raises(ValueError, match="not"):
        to_money(wire)


def test_money_sums_without_float_noise() -> None:
    assert to_money(0.1) + to_money(0.2) == Decimal("0.3")


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("26211", "26211"), (26211, "26211"), (26211.0, "26211"), (" 42 ", "42"), (None, "")],
)
def test_to_id_normalises(wire: object, expected: str) -> None:
    assert to_id(wire) == expected


@pytest.mark.parametrize("wire", [True, 1.5, [1], {"id": 1}])
def test_to_id_refuses_non_ids(wire: object) -> None:
    with pytest.raises(ValueError):
        to_id(wire)


def test_to_int_and_optional_int() -> None:
    assert to_int("3") == 3
    assert to_int(2.0) == 2
    assert to_int(None, 7) == 7
    assert to_optional_int("") is None
    assert to_optional_int("4") == 4
    with pytest.raises(ValueError):
        to_int("2.5")


@pytest.mark.parametrize(
    "wire",
    [
        "2025-03-14 15:42:08",
        "2025-03-14T15:42:08",
        "2025-03-14T15:42:08Z",
        "2025-03-14T17:42:08+02:00",
    ],
)
def test_to_datetime_accepts_order_desk_and_iso_forms(wire: str) -> None:
    assert to_datetime(wire) == datetime(2025, 3, 14, 15, 42, 8, tzinfo=UTC)


def test_to_datetime_handles_empty_and_date_only() -> None:
    assert to_datetime(None) is None
    assert to_datetime("") is None
    assert to_datetime("0000-00-00 00:00:00") is None
    assert to_datetime("2025-03-15") == datetime(2025, 3, 15, tzinfo=UTC)
    assert to_date("2025-03-15") == date(2025, 3, 15)
    with pytest.raises(ValueError):
        to_datetime("yesterday")
    with pytest.raises(ValueError):
        to_datetime(12)


def test_format_datetime_sends_utc() -> None:
    local = datetime(2025, 3, 14, 10, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert format_datetime(local) == "2025-03-14 15:00:00"
    assert format_datetime(datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02 03:04:05"
    assert format_datetime(date(2025, 1, 2)) == "2025-01-02"


def test_format_query_value() -> None:
    assert format_query_value([1004, "1009", 1010]) == "1004,1009,1010"
    assert format_query_value(True) == "1"
    assert format_query_value(False) == "0"
    assert format_query_value(5) == "5"
    assert format_query_value("a,b") == "a,b"
    assert format_query_value(date(2025, 1, 2)) == "2025-01-02"
