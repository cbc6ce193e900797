"""``kill -9`` of ``serve --listen`` while its PUT is in flight; the restart reconciles the
write by reading the order, and the ledger says what was verified."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import ClientSession

from app.core.db import close_db, init_db
from app.core.db.models import AuditEvent
from app.core.db.tokens import create_token
from app.mcp.transport.local_client import local_client_transport
from app.sandbox import Fault, SandboxServer, SandboxStore, SandboxStoreSpec
from tests.core.secrets.memory_keyring import FILE_ENV, MemoryKeyring
from tests.processes import CLI, serving

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="POSIX signals and sockets"),
    pytest.mark.slow,
]

STORE_ID, API_KEY = "300003", "kill-test-key-6b1f0c9d2e"
PUT_DELAY = 2.0


@pytest.fixture
def shared_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test keyring file the ``serve`` subprocesses share with the CLI."""
    monkeypatch.setenv(FILE_ENV, str(tmp_path / "keyring.json"))
    monkeypatch.setenv(
        "PYTHON_KEYRING_BACKEND", f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    )
    yield


def register(home: Path, url: str) -> str:
    """Register the sandbox store and an allow-policy client in ``home``; return the token."""
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(home))
    added = subprocess.run(
        [*CLI, "stores", "add", "Shop", "--store-id", STORE_ID, "--api-url", url],
        input=API_KEY, text=True, env=env, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    init_db(home / "orderdesk-tray.db")
    try:
        return create_token("bot", ("read", "write-orders"), policy="allow")[1]
    finally:
        close_db()


def ledger_rows(home: Path) -> list[AuditEvent]:
    """The order.update rows as the database has them now."""
    init_db(home / "orderdesk-tray.db")
    try:
        query = AuditEvent.select().where(AuditEvent.action == "order.update")
        return list(query.order_by(AuditEvent.id))
    finally:
        close_db()


async def call_update(info: object, token: str, order_id: str, email: str) -> None:
    async with (
        local_client_transport(info, token, "bot") as (read, write),  # type: ignore[arg-type]
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        await session.call_tool(
            "orders_update", {"order_id": order_id, "changes": {"email": email}}
        )


async def wait_until(check: object, what: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_kill_9_mid_put_then_restart_reconciles_the_write(
    data_home: Path, shared_keyring: None
) -> None:
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=5, inventory=2)
    with SandboxServer([spec], rate_limit=False) as sandbox:
        od: SandboxStore = sandbox.store(STORE_ID)
        token = register(data_home, sandbox.base_url)
        order_id = next(iter(od.orders))
        sandbox.add_fault(
            Fault(kind="delay", seconds=PUT_DELAY, method="PUT", path=f"/orders/{order_id}")
        )
        with serving(data_home) as (proc, info):
            od.reset_counts()
            call = asyncio.create_task(call_update(info, token, order_id, "kill9@example.com"))
            await wait_until(lambda: od.request_count("PUT") == 1, "the PUT to reach Order Desk")
            proc.kill()  # SIGKILL: no clean-up of any kind
            proc.wait(10)
            call.cancel()
            with pytest.raises(BaseException):  # noqa: B017 - the connection died with it
                await call
        [row] = ledger_rows(data_home)
        assert row.state == "in_flight" and row.owner.startswith(f"{proc.pid}:")
        await wait_until(
            lambda: od.orders[order_id]["email"] == "kill9@example.com", "the late PUT", 10
        )

        with serving(data_home):
            await wait_until(lambda: ledger_rows(data_home)[0].state != "in_flight", "reconcile")
        [row] = ledger_rows(data_home)
        assert row.state == "applied" and row.outcome == "ok"
        assert row.verified == f"order {order_id} holds the new values of email"
        assert od.request_count("PUT") == 1  # reconciling only read
