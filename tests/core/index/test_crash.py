"""A sync killed between pages (SIGKILL, no clean-up) resumes from its last checkpoint."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from pathlib import Path

from app.core.index import IndexState, index_path
from app.sandbox import Fault
from tests.core.index.conftest import API_KEY, ORDERS, STORE_ID, IndexBox

REPO = Path(__file__).resolve().parents[3]


def _checkpoint(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        try:
            return dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return {}


async def _wait_for(condition: object, seconds: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "the child never reached the expected point"
        await asyncio.sleep(0.02)


async def test_sync_killed_between_pages_resumes_from_the_checkpoint(box: IndexBox) -> None:
    # Pages 1 and 2 go through; page 3 is held back so the child is killed between pages.
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", times=2))
    box.server.add_fault(Fault(kind="delay", method="GET", path="/orders", seconds=60))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.core.index.crash_worker",
        box.server.base_url,
        STORE_ID,
        API_KEY,
        cwd=REPO,
    )
    path = index_path("s1")
    try:
        await _wait_for(
            lambda: (
                _checkpoint(path).get("walk_done") == "1000"
                and box.remote.request_count("GET", "/orders") >= 3
            )
        )
    finally:
        child.kill()
        await child.wait()
    assert child.returncode != 0
    box.server.clear_faults()
    box.remote.reset_counts()
    assert (await box.service.status(box.store)).state is IndexState.INTERRUPTED

    report = await box.service.sync(box.store)

    assert report.mode == "resume"
    assert box.order_requests() == 1  # only page 3: nothing read twice, nothing started over
    status = await box.service.status(box.store)
    assert status.count == ORDERS and status.state is IndexState.READY
