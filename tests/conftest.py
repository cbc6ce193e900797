"""Fixtures shared by every test: a temp data folder, a temp database, a test keyring, and
for GUI and end-to-end tests a thread-leak check and a qasync loop on the test QApplication."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import peewee as pw
import pytest

from app.core.db import close_db, init_db
from tests.core.secrets.memory_keyring import MemoryKeyring

THREADS_STOP_S = 5.0
TASKS_STOP_S = 2.0
_ISOLATED_ENV = (
    "ORDERDESK_TRAY_TOKEN",
    "ORDERDESK_API_URL",
    "ORDERDESK_TRAY_LOG_LEVEL",
    "ORDERDESK_TRAY_VAULT_PASSPHRASE",
    "ORDERDESK_TEST_KEYRING_FILE",
)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder in ``ORDERDESK_TRAY_HOME``."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ORDERDESK_TRAY_HOME", str(home))
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture
def db(tmp_path: Path) -> Iterator[pw.SqliteDatabase]:
    """A fresh database in a temp file, bound and migrated; closed and unbound afterwards."""
    database = init_db(tmp_path / "test.db")
    try:
        yield database
    finally:
        close_db()


@pytest.fixture
def test_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Force an empty in-memory keyring for this test, in-process and for subprocesses."""
    monkeypatch.setenv(
        "PYTHON_KEYRING_BACKEND", f"{MemoryKeyring.__module__}.{MemoryKeyring.__name__}"
    )
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves a thread (engine, sandbox, worker) running behind it."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + THREADS_STOP_S
    while True:
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.01)  # polling with a deadline: threads end on their own schedule
    assert not left, f"threads left running: {[t.name for t in left]}"


@pytest.fixture
def gui_loop(qapp: Any) -> Iterator[Any]:
    """A qasync loop on the test app, current for the test; Qt events drive it.

    Afterwards pending tasks are cancelled and given a few loop turns to unwind; a task still
    pending then fails the test.
    """
    import qasync  # here, so tests without Qt never import it

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        deadline = time.monotonic() + TASKS_STOP_S
        while asyncio.all_tasks(loop) and time.monotonic() < deadline:
            qapp.processEvents()  # cancelled tasks finish on the loop's next turns
        left = asyncio.all_tasks(loop)
        loop.close()
        assert not left, f"tasks still pending after cancel: {left}"
        asyncio.set_event_loop(None)


# A wait that succeeds returns as soon as its condition holds, so a long default costs nothing
# on a quiet machine and keeps a loaded one (CI shares two cores) from failing good code.
QT_WAIT_MS = 20_000


@pytest.fixture
def qtbot(qtbot: Any) -> Any:
    """pytest-qt's ``qtbot`` with 20 s default timeouts for its waits (pytest-qt's are 5 s)."""
    for name in ("waitUntil", "waitExposed", "waitActive", "waitSignal", "waitSignals"):
        setattr(qtbot, name, _longer_default(getattr(qtbot, name)))
    return qtbot


def _longer_default(wait: Any) -> Any:
    def patient(*args: Any, timeout: int = QT_WAIT_MS, **kwargs: Any) -> Any:
        return wait(*args, timeout=timeout, **kwargs)

    return patient
