"""A known API key never reaches the database file, the log file or an exception's text."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import logs
from app.core.orderdesk import OrderDeskError
from app.core.services import ServiceError, Services, StoreRecord
from app.sandbox import Fault, SandboxServer, SandboxStore
from tests.core.services.conftest import API_KEY, STORE_ID, first_order_id


@pytest.fixture
def log_file() -> Iterator[Path]:
    path = logs.setup_logging("DEBUG")
    yield path
    logs.teardown_logging()
    logs.clear_secrets()


async def test_key_is_nowhere(
    services: Services,
    sandbox: SandboxServer,
    od_store: SandboxStore,
    log_file: Path,
    tmp_path: Path,
) -> None:
    errors: list[BaseException] = []
    try:
        await services.stores.register("Shop", STORE_ID, API_KEY + "x", sandbox.base_url)
    except OrderDeskError as error:
        errors.append(error)
    store: StoreRecord = await services.stores.register(
        "Shop", STORE_ID, API_KEY, sandbox.base_url, actor="gui"
    )
    order_id = first_order_id(od_store)
    await services.orders.update(store, order_id, {"tag_name": "x"}, actor="mcp:a")
    echo = f'{{"status":"error","message":"bad key {API_KEY}"}}'
    sandbox.add_fault(Fault(kind="invalid_json", status=400, body=echo, path="/orders/*", times=5))
    sandbox.add_fault(Fault(kind="invalid_json", status=200, body=f"<html>{API_KEY}", times=5))
    for attempt in (
        services.orders.get(store, order_id, fresh=True),
        services.orders.update(store, order_id, {"tag_name": "y"}, actor="mcp:a"),
        services.orders.list(store, limit=3),
    ):
        try:
            await attempt
        except (OrderDeskError, ServiceError) as error:
            errors.append(error)
    logging.getLogger("test").info("api key in a message: %s", API_KEY)
    for handler in logs.owned_handlers():
        handler.flush()

    assert len(errors) == 4
    for error in errors:
        assert API_KEY not in str(error) and API_KEY not in repr(error)
    assert_not_in_files(API_KEY, log_file, tmp_path)


def assert_not_in_files(secret: str, log_file: Path, db_folder: Path) -> None:
    """Grep the log file and the database files (with WAL) for ``secret``."""
    files = [log_file, *db_folder.glob("test.db*")]
    assert any(p.name == "test.db" for p in files)
    assert log_file.stat().st_size > 0
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
