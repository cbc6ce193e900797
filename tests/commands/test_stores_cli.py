"""``orderdesk-mcp stores``: add (key from stdin or a prompt), list, test, default, remove."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest

from app.sandbox import SandboxServer
from tests.commands.conftest import KNOWN_KEY, REPO, STORE_ID, run_subprocess
from tests.core.secrets.memory_keyring import MemoryKeyring

Cli = Any


@pytest.fixture(autouse=True)
def api_url(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ORDERDESK_API_URL", sandbox.base_url)
    return sandbox.base_url


def stores(cli: Cli) -> list[dict[str, Any]]:
    listed = cli("stores", "list", "--json")
    assert listed.code == 0, listed.err
    result: list[dict[str, Any]] = json.loads(listed.out)
    return result


def test_add_reads_the_key_from_stdin_and_saves_it(cli: Cli, test_keyring: MemoryKeyring) -> None:
    added = cli("stores", "add", "Main", "--store-id", STORE_ID, stdin=KNOWN_KEY + "\n")
    assert added.code == 0, added.err
    assert "registered" in added.err and "default store" in added.err
    assert KNOWN_KEY not in added.out + added.err
    [store] = stores(cli)
    assert store["name"] == "Main" and store["orderdesk_store_id"] == STORE_ID
    assert store["is_default"] is True
    assert KNOWN_KEY in json.dumps(test_keyring.entries)


def test_add_uses_a_hidden_prompt_on_a_terminal(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return KNOWN_KEY

    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr("app.commands.stores.sys.stdin", Terminal())
    from app.cli import main

    assert main(["stores", "add", "Main", "--store-id", STORE_ID]) == 0
    assert prompts == ["Order Desk API key for Main (hidden): "]


def test_a_rejected_key_saves_nothing(cli: Cli, test_keyring: MemoryKeyring) -> None:
    failed = cli("stores", "add", "Main", "--store-id", STORE_ID, stdin="wrong-key\n")
    assert failed.code == 1
    assert "Check the store ID and API key" in failed.err
    assert stores(cli) == []
    assert test_keyring.entries in ({}, {"orderdesk-tray": {}})


def test_empty_key_is_refused(cli: Cli) -> None:
    failed = cli("stores", "add", "Main", "--store-id", STORE_ID, stdin="\n")
    assert failed.code == 1 and "No API key given" in failed.err


def test_api_url_flag_is_saved(cli: Cli, sandbox: SandboxServer, monkeypatch: Any) -> None:
    monkeypatch.delenv("ORDERDESK_API_URL")
    added = cli(
        "stores", "add", "Main", "--store-id", STORE_ID, "--api-url", sandbox.base_url,
        stdin=KNOWN_KEY,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert stores(cli)[0]["api_url"] == sandbox.base_url
    tested = cli("stores", "test", "Main")
    assert tested.code == 0 and "accepted" in tested.err


def test_test_default_remove(cli: Cli, test_keyring: MemoryKeyring) -> None:
    for name in ("Main", "Second"):
        assert cli("stores", "add", name, "--store-id", STORE_ID, stdin=KNOWN_KEY).code == 0
    tested = cli("stores", "test", "second")
    assert tested.code == 0 and "'Second'" in tested.err
    assert cli("stores", "default", "Second").code == 0
    assert [s["name"] for s in stores(cli) if s["is_default"]] == ["Second"]
    table = cli("stores", "list")
    assert "* Second" in table.out
    removed = cli("stores", "remove", "Main")
    assert removed.code == 0 and "removed" in removed.err
    assert [s["name"] for s in stores(cli)] == ["Second"]
    assert json.dumps(test_keyring.entries).count(KNOWN_KEY) == 1
    missing = cli("stores", "test", "Main")
    assert missing.code == 1 and "No store called 'Main'" in missing.err


def test_remove_all_deletes_every_store_and_every_key(
    cli: Cli, test_keyring: MemoryKeyring
) -> None:
    for name in ("Main", "Second"):
        assert cli("stores", "add", name, "--store-id", STORE_ID, stdin=KNOWN_KEY).code == 0
    assert json.dumps(test_keyring.entries).count(KNOWN_KEY) == 2
    purged = cli("stores", "remove", "--all")
    assert purged.code == 0 and "Removed 2 store(s)" in purged.err
    assert stores(cli) == []
    assert KNOWN_KEY not in json.dumps(test_keyring.entries)
    again = cli("stores", "remove", "--all")
    assert again.code == 0 and "No stores to remove" in again.err
    assert cli("stores", "remove").code == 1
    assert cli("stores", "remove", "Main", "--all").code == 1


def test_the_windows_uninstaller_offers_to_delete_the_keys() -> None:
    iss = (REPO / "installer.iss").read_text(encoding="utf-8")
    offer = iss[iss.index("procedure OfferToDeleteApiKeys") :]
    assert "'stores remove --all'" in offer.split("end;\n\n")[0]
    uninstall_step = iss[iss.index("if CurUninstallStep = usUninstall then") :]
    assert "OfferToDeleteApiKeys();" in uninstall_step.split("usPostUninstall")[0]


def test_duplicate_name_exit_1(cli: Cli) -> None:
    assert cli("stores", "add", "Main", "--store-id", STORE_ID, stdin=KNOWN_KEY).code == 0
    again = cli("stores", "add", "main", "--store-id", STORE_ID, stdin=KNOWN_KEY)
    assert again.code == 1 and "already registered" in again.err


@pytest.mark.parametrize(
    "argv",
    [
        ("stores", "add", "Main"),
        ("stores", "add", "Main", "--store-id", STORE_ID, "--api-key", KNOWN_KEY),
        ("stores", "test"),
        ("stores",),
    ],
)
def test_usage_errors_exit_2(cli: Cli, argv: tuple[str, ...]) -> None:
    assert cli(*argv, stdin=KNOWN_KEY).code == 2


def test_stores_in_a_subprocess(subprocess_env: dict[str, str], data_home: Path) -> None:
    env = subprocess_env
    added = run_subprocess(env, "stores", "add", "Main", "--store-id", STORE_ID, stdin=KNOWN_KEY)
    assert added.code == 0, added.err
    listed = run_subprocess(env, "stores", "list", "--json")
    assert listed.code == 0, listed.err
    assert [s["name"] for s in json.loads(listed.out)] == ["Main"]
    tested = run_subprocess(env, "stores", "test", "Main")  # the key comes back from the keyring
    assert tested.code == 0, tested.err
    missing = run_subprocess(env, "stores", "remove", "Nope")
    assert missing.code == 1 and missing.err.startswith("orderdesk-mcp: ")
    usage = run_subprocess(env, "stores", "add", "X")
    assert usage.code == 2 and "--store-id" in usage.err
    for result in (added, listed, tested, missing, usage):
        assert KNOWN_KEY not in result.out + result.err
