"""``orderdesk-mcp activity list | export``: the write ledger for a headless user."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from app.core.db import close_db, init_db
from app.core.db.models import AuditEvent, Store
from tests.commands.conftest import KNOWN_KEY, STORE_ID

Cli = Any


def _ledger(home: Path) -> int:
    """Record two writes of the registered store (one reconciled) and return its id."""
    init_db(home / "orderdesk-tray.db")
    try:
        store_id = int(Store.get().id)
        AuditEvent.create(
            actor="mcp:Claude", store_id=store_id, action="shipment.add", target="order:7",
            outcome="ok", state="applied", verified="order 7 has shipment 9 with tracking 1Z9",
        )  # fmt: skip
        AuditEvent.create(
            actor="gui", store_id=store_id, action="order.update", target="order:8",
            outcome="ok", state="applied", window_ms=41.5,
        )  # fmt: skip
        AuditEvent.create(
            actor="gui", store_id=None, action="order.note", target="order:9",
            outcome="failed: no", state="refused",
        )  # fmt: skip
        return store_id
    finally:
        close_db()


def _register(cli: Cli, sandbox: Any) -> None:
    added = cli(
        "stores", "add", "Shop", "--store-id", STORE_ID, "--api-url", sandbox.base_url,
        stdin=KNOWN_KEY,
    )  # fmt: skip
    assert added.code == 0, added.err


def test_list_shows_state_verification_and_window(cli: Cli, sandbox: Any, data_home: Path) -> None:
    _register(cli, sandbox)
    _ledger(data_home)
    table = cli("activity", "list", "--store", "shop")
    assert table.code == 0, table.err
    assert "shipment.add order:7" in table.out and "verified: order 7 has shipment 9" in table.out
    assert "GET->PUT 42 ms" in table.out or "GET->PUT 41 ms" in table.out
    assert "order:9" not in table.out  # another store's row
    rows = json.loads(cli("activity", "list", "--json").out)
    assert [r["action"] for r in rows][:3] == ["order.note", "order.update", "shipment.add"]
    assert rows[1]["store"] == "Shop" and rows[1]["window_ms"] == 41.5
    refused = json.loads(cli("activity", "list", "--state", "refused", "--json").out)
    assert [r["target"] for r in refused] == ["order:9"]


def test_export_csv_and_json(cli: Cli, sandbox: Any, data_home: Path, tmp_path: Path) -> None:
    _register(cli, sandbox)
    _ledger(data_home)
    out = tmp_path / "ledger.csv"
    done = cli("activity", "export", str(out))
    assert done.code == 0 and "row(s)" in done.err
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"shipment.add", "order.update", "order.note"} <= {r["action"] for r in rows}
    assert rows[0]["state"] in ("applied", "refused")
    as_json = tmp_path / "ledger.json"
    assert cli("activity", "export", str(as_json), "--store", "Shop").code == 0
    assert {r["store"] for r in json.loads(as_json.read_text())} == {"Shop"}


def test_unknown_store_is_a_clear_error(cli: Cli) -> None:
    result = cli("activity", "list", "--store", "Nope")
    assert result.code == 1 and "No store named 'Nope'" in result.err
