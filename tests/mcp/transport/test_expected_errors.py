"""Expected errors reach a real MCP client as their sentence, not as "internal error".

Each test runs ``orderdesk-mcp serve --listen`` in its own process and talks to it through the
in-repo client over the local socket, as an AI client's shim would.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from pathlib import Path

import mcp_types as types
import pytest
from mcp import Client

from app.core.db import close_db, init_db
from app.core.db.tokens import create_token
from app.core.errors import DatabaseBusy
from app.core.secrets import PASSPHRASE_ENV
from app.mcp.transport.endpoint_file import EndpointInfo
from app.mcp.transport.local_client import local_client_transport
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer
from tests.core.secrets.real_keychain import (
    keyring_password,
    locked_keychain,
    remove_our_items,
    require_unlocked_secret_service,
)
from tests.processes import CLI, serving

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="Unix socket endpoint"),
    pytest.mark.slow,
]


def allowed_token(home: Path, *scopes: str) -> str:
    """A client token with ``scopes`` and policy allow, registered before serving."""
    init_db(home / "orderdesk-tray.db")
    try:
        return create_token("Tester", scopes, policy="allow")[1]
    finally:
        close_db()


@asynccontextmanager
async def client(info: EndpointInfo, token: str) -> AsyncIterator[Client]:
    """The in-repo MCP client on the local socket, as one authenticated session."""
    async with Client(local_client_transport(info, token, "test"), cache=None) as session:
        yield session


def text_of(result: types.CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, types.TextContent))


def add_store_with_cli(name: str, api_url: str) -> None:
    """``orderdesk-mcp stores add``: the key goes to the real keychain of this session.

    Without a local index, so reads need the key (a mirror would answer without it).
    """
    added = subprocess.run(
        [*CLI, "stores", "add", name, "--store-id", DEMO_STORE_ID, "--api-url", api_url,
         "--no-index"],
        input=DEMO_API_KEY + "\n", env=dict(os.environ), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


@contextmanager
def write_transaction(db_file: Path) -> Iterator[None]:
    """Hold SQLite's write lock on ``db_file`` (another program writing) for the block."""
    with closing(sqlite3.connect(db_file, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")


async def test_a_busy_database_reaches_the_client_as_a_sentence(data_home: Path) -> None:
    token = allowed_token(data_home, "read", "write-notes")
    with serving(data_home, "--demo") as (_proc, info):
        async with client(info, token) as session:
            listed = await session.call_tool("orders_list", {"limit": 1})
            assert not listed.is_error, text_of(listed)
            order_id = str(listed.structured_content["orders"][0]["id"])
            with write_transaction(data_home / "orderdesk-tray.db"):
                result = await session.call_tool(
                    "order_history_add", {"order_id": order_id, "note": "busy test"}
                )
    assert result.is_error
    text = text_of(result)
    assert "database is busy" in text and "error id" not in text, text
    assert DatabaseBusy.default_action in text


@pytest.mark.keychain
async def test_a_locked_keychain_reaches_the_client_as_a_sentence(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_unlocked_secret_service()
    keyring_password()
    # No display: the keychain must say it is locked rather than wait for an unlock prompt.
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    token = allowed_token(data_home, "read")
    try:
        with SandboxServer(rate_limit=False) as sandbox:
            add_store_with_cli("Shop", sandbox.base_url)
            with serving(data_home) as (_proc, info), locked_keychain():
                async with client(info, token) as session:
                    result = await session.call_tool("orders_list", {"limit": 1})
    finally:
        remove_our_items()
    assert result.is_error
    text = text_of(result)
    assert "is locked" in text and "unlock your login keyring" in text, text
    assert "error id" not in text


async def test_a_vault_without_its_passphrase_reaches_the_client_as_a_sentence(
    data_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # no keychain
    monkeypatch.setenv(PASSPHRASE_ENV, "test-passphrase")
    token = allowed_token(data_home, "read")
    with SandboxServer(rate_limit=False) as sandbox:
        add_store_with_cli("Shop", sandbox.base_url)  # its key goes into the vault file
        monkeypatch.delenv(PASSPHRASE_ENV)  # a headless server nobody gave the passphrase
        with serving(data_home) as (_proc, info):
            async with client(info, token) as session:
                result = await session.call_tool("orders_list", {"limit": 1})
    assert result.is_error
    text = text_of(result)
    assert "vault" in text and PASSPHRASE_ENV in text and "error id" not in text, text
