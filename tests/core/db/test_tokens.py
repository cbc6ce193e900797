"""Client tokens: only the hash is stored; verify, revoke, scopes."""

from __future__ import annotations

from pathlib import Path

import peewee as pw
import pytest

from app.core.db import ClientToken, close_db
from app.core.db.tokens import (
    TOKEN_PREFIX,
    TokenError,
    active_tokens,
    create_token,
    hash_token,
    revoke_token,
    token_scopes,
    token_store_ids,
    verify_token,
)


def test_create_returns_plaintext_once_and_stores_the_hash(db: pw.SqliteDatabase) -> None:
    row, plaintext = create_token("Claude Desktop", scopes=["read", "move"])
    assert plaintext.startswith(TOKEN_PREFIX)
    assert len(plaintext) == len(TOKEN_PREFIX) + 43  # 256 bits, URL-safe base64
    stored = ClientToken.get_by_id(row.id)
    assert stored.token_hash == hash_token(plaintext)
    assert len(stored.token_hash) == 64
    assert plaintext not in {str(v) for v in stored.__data__.values()}


def test_plaintext_never_reaches_the_db_file(tmp_path: Path, db: pw.SqliteDatabase) -> None:
    _, plaintext = create_token("Cursor")
    verify_token(plaintext)
    close_db()
    db_file = Path(db.database)
    needle = plaintext.encode()
    secret_part = plaintext.removeprefix(TOKEN_PREFIX).encode()
    for path in db_file.parent.glob(db_file.name + "*"):
        data = path.read_bytes()
        assert needle not in data, path
        assert secret_part not in data, path


def test_verify_accepts_the_token_and_touches_it(db: pw.SqliteDatabase) -> None:
    row, plaintext = create_token("VS Code")
    assert row.last_used_at is None
    found = verify_token(plaintext)
    assert found is not None
    assert found.id == row.id
    assert ClientToken.get_by_id(row.id).last_used_at is not None


def test_verify_rejects_wrong_tokens(db: pw.SqliteDatabase) -> None:
    _, plaintext = create_token("Windsurf")
    assert verify_token(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert verify_token("") is None
    assert verify_token(hash_token(plaintext)) is None  # the hash is not a token


def test_revoke_cuts_the_token(db: pw.SqliteDatabase) -> None:
    _, plaintext = create_token("Claude Code")
    assert revoke_token("Claude Code") is True
    assert verify_token(plaintext) is None
    assert revoke_token("Claude Code") is False
    assert revoke_token("nobody") is False
    assert active_tokens() == []


def test_a_revoked_name_can_be_reused(db: pw.SqliteDatabase) -> None:
    _, old = create_token("Claude")
    revoke_token("Claude")
    _, new = create_token("Claude")
    assert verify_token(old) is None
    assert verify_token(new) is not None


def test_duplicate_live_name_is_refused(db: pw.SqliteDatabase) -> None:
    create_token("Claude")
    with pytest.raises(TokenError, match="exists already"):
        create_token("Claude")


def test_scopes_policy_and_store_allow_list(db: pw.SqliteDatabase) -> None:
    row, _ = create_token("Cursor", scopes=["move", "read"], store_ids=[3, 1, 3], policy="allow")
    assert row.scopes == "read,move"
    assert token_scopes(row) == {"read", "move"}
    assert token_store_ids(row) == {1, 3}
    assert row.policy == "allow"
    everywhere, _ = create_token("Claude")
    assert token_store_ids(everywhere) is None
    assert row.store_allow_list == "1,3"


def test_bad_scope_or_policy_is_refused(db: pw.SqliteDatabase) -> None:
    with pytest.raises(TokenError, match="Unknown scope"):
        create_token("x", scopes=["read", "root"])
    with pytest.raises(TokenError, match="Policy"):
        create_token("x", policy="maybe")
    assert ClientToken.select().count() == 0
