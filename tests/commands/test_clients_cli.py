"""``orderdesk-mcp clients``: add (token printed once), list, revoke, usage errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.access import ALL_SCOPES
from app.core.db.tokens import TOKEN_PREFIX
from tests.commands.conftest import run_subprocess

Cli = Any


def test_add_prints_the_token_once_and_list_shows_the_client(cli: Cli) -> None:
    added = cli("clients", "add", "Cursor", "--scopes", "read,move", "--policy", "allow")
    assert added.code == 0
    token = added.out.strip()
    assert token.startswith(TOKEN_PREFIX) and "\n" not in token
    assert "shown only once" in added.err
    listed = cli("clients", "list", "--json")
    assert listed.code == 0
    clients = json.loads(listed.out)
    assert [c["name"] for c in clients] == ["Cursor"]
    assert clients[0]["scopes"] == ["read", "move"]
    assert clients[0]["policy"] == "allow"
    assert token not in listed.out
    table = cli("clients", "list")
    assert "Cursor" in table.out and "allow" in table.out and token not in table.out


def test_scopes_all_and_store_list(cli: Cli, sandbox: Any) -> None:
    assert cli("clients", "add", "Claude", "--scopes", "all").code == 0
    clients = json.loads(cli("clients", "list", "--json").out)
    assert clients[0]["scopes"] == list(ALL_SCOPES)
    assert clients[0]["stores"] is None


def test_unknown_store_scope_or_duplicate_exit_1(cli: Cli) -> None:
    bad_store = cli("clients", "add", "A", "--stores", "Nowhere")
    assert bad_store.code == 1 and "No store named 'Nowhere'" in bad_store.err
    bad_scope = cli("clients", "add", "A", "--scopes", "read,fly")
    assert bad_scope.code == 1 and "Unknown scope(s): fly" in bad_scope.err
    assert cli("clients", "add", "A").code == 0
    again = cli("clients", "add", "A")
    assert again.code == 1 and "exists already" in again.err
    assert again.out == ""


def test_revoke(cli: Cli) -> None:
    cli("clients", "add", "Cursor")
    revoked = cli("clients", "revoke", "Cursor")
    assert revoked.code == 0 and "revoked" in revoked.err
    assert json.loads(cli("clients", "list", "--json").out) == []
    missing = cli("clients", "revoke", "Cursor")
    assert missing.code == 1 and "no client named 'Cursor'" in missing.err
    assert cli("clients", "add", "Cursor").code == 0  # the name is free again


@pytest.mark.parametrize(
    "argv",
    [
        ("clients",),
        ("clients", "add"),
        ("clients", "add", "X", "--policy", "sometimes"),
        ("clients", "list", "--yaml"),
        ("clients", "frobnicate"),
    ],
)
def test_usage_errors_exit_2(cli: Cli, argv: tuple[str, ...]) -> None:
    assert cli(*argv).code == 2


def test_clients_in_a_subprocess(subprocess_env: dict[str, str]) -> None:
    added = run_subprocess(subprocess_env, "clients", "add", "Windsurf", "--scopes", "all")
    assert added.code == 0, added.err
    assert added.out.strip().startswith(TOKEN_PREFIX)
    listed = run_subprocess(subprocess_env, "clients", "list", "--json")
    assert listed.code == 0
    assert json.loads(listed.out)[0]["name"] == "Windsurf"
    usage = run_subprocess(subprocess_env, "clients", "add")
    assert usage.code == 2 and "NAME" in usage.err
    revoked = run_subprocess(subprocess_env, "clients", "revoke", "Nobody")
    assert revoked.code == 1 and revoked.err.startswith("orderdesk-mcp: ")
