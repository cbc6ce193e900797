"""The expected-error root: sentence, action, categories and the SQLite busy translation."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from app.core.errors import (
    CATEGORIES,
    DatabaseBusy,
    ExpectedError,
    KeychainLocked,
    NotFound,
    as_expected,
    expected_text,
)
from app.core.orderdesk import AuthError, NetworkError, RateLimitedError
from app.core.secrets import SecretStoreLocked, VaultLocked
from app.core.services.errors import InvalidChangeError, OrderConflict, StoreNotFoundError


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_category_raised_bare_says_what_happened_and_what_to_do(
    category: type[ExpectedError],
) -> None:
    error = category()
    assert error.sentence.endswith(".")
    assert error.action.endswith(".")
    assert str(error) == f"{error.sentence} {error.action}"


def test_an_own_sentence_comes_without_the_default_action() -> None:
    error = NotFound("No store named 'x'.")
    assert (error.sentence, error.action, str(error)) == (
        "No store named 'x'.",
        "",
        "No store named 'x'.",
    )
    assert str(NotFound("Gone.", "Look again.")) == "Gone. Look again."


def test_older_classes_keep_their_bases_and_wording() -> None:
    assert isinstance(InvalidChangeError("x"), ValueError)
    assert isinstance(SecretStoreLocked("locked"), KeychainLocked)
    assert isinstance(VaultLocked("locked"), SecretStoreLocked)
    assert isinstance(StoreNotFoundError("none"), NotFound)
    assert str(OrderConflict("7", "a", "b")).startswith("Order 7 changed since it was read")


def test_order_desk_errors_split_into_sentence_and_hint() -> None:
    error = RateLimitedError("slow", retry_after=2, method="GET", path="/orders")
    assert error.sentence == "GET /orders failed (HTTP 429): slow."
    assert error.action == "Order Desk is rate limiting this store; retry in 2 s."
    assert str(AuthError("no", status=401)).endswith("Store Settings > API).")
    network = NetworkError("refused", method="POST", path="/orders")
    network.may_have_applied = True
    assert "may have reached Order Desk" in network.action


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("database is locked"), peewee.OperationalError("database is locked")],
)
def test_sqlite_lock_timeouts_read_as_database_busy(error: Exception) -> None:
    busy = as_expected(error)
    assert isinstance(busy, DatabaseBusy)
    assert busy.__cause__ is error
    assert expected_text(error) == str(DatabaseBusy())


@pytest.mark.parametrize(
    "error", [ValueError("bug"), OSError("bug"), sqlite3.OperationalError("no such table: x")]
)
def test_anything_else_is_a_bug(error: Exception) -> None:
    assert as_expected(error) is None
    assert expected_text(error) is None
