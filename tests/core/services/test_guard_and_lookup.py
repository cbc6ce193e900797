"""The duplicate guard and store lookup (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.core.services import (
    AmbiguousStoreError,
    DuplicateGuard,
    DuplicateWriteError,
    StoreNotFoundError,
    StoreRecord,
)
from app.core.services.store_lookup import find_store


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_repeat_inside_window_is_refused_and_allowed_after() -> None:
    clock = Clock()
    guard = DuplicateGuard(30, clock)
    with guard.claim([("note", "1")], "note"):
        pass
    clock.now = 29
    refused = pytest.raises(DuplicateWriteError, match=r"already written 29 s ago.*within 30 s")
    with refused, guard.claim([("note", "1")], "this note"):
        pass
    clock.now = 31
    with guard.claim([("note", "1")], "note"):
        pass


def test_failed_write_does_not_count() -> None:
    guard = DuplicateGuard(30, Clock())
    with pytest.raises(RuntimeError), guard.claim(["k"], "x"):
        raise RuntimeError("boom")
    with guard.claim(["k"], "x"):
        pass


def test_write_in_progress_blocks_its_twin_and_repeats_within_a_request() -> None:
    guard = DuplicateGuard(30, Clock())
    in_progress = pytest.raises(DuplicateWriteError, match="in progress")
    with guard.claim(["k"], "x"), in_progress, guard.claim(["k"], "x"):
        pass
    with pytest.raises(DuplicateWriteError, match="within itself"), guard.claim(["a", "a"], "x"):
        pass


def test_zero_window_disables() -> None:
    guard = DuplicateGuard(0, Clock())
    for _ in range(2):
        with guard.claim(["k"], "x"):
            pass


def _store(store_id: int, name: str, od_id: str) -> StoreRecord:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    return StoreRecord(store_id, name, od_id, None, False, False, at, at)


STORES = [
    _store(1, "Acme Outfitters", "100001"),
    _store(2, "Acme Outlet", "100002"),
    _store(3, "Blue Harbor Tea", "555"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (1, 1),
        ("3", 3),
        ("acme outlet", 2),
        ("100001", 1),
        ("harbor", 3),
        ("Blue Harbour Tea", 3),
        ("Acme Outfitters West", 1),
    ],
)
def test_find_store(query: str | int, expected: int) -> None:
    assert find_store(query, STORES).id == expected


def test_ambiguous_names_both() -> None:
    with pytest.raises(
        AmbiguousStoreError,
        match=r"^That store name matches several stores: Acme Outfitters, Acme Outlet\. Use the",
    ):
        find_store("acme", STORES)


def test_unknown_store_suggests() -> None:
    with pytest.raises(
        StoreNotFoundError, match=r"No store called 'Outfitters Acme Corp'.*Did you mean"
    ) as caught:
        find_store("Outfitters Acme Corp", STORES)
    assert "Acme Outfitters" in caught.value.suggestions
    with pytest.raises(StoreNotFoundError, match="Registered stores: Acme Outfitters"):
        find_store("zzzz", STORES)
    with pytest.raises(StoreNotFoundError, match="No store is registered"):
        find_store("x", [])
