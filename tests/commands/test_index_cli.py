"""``orderdesk-mcp index sync`` as a user runs it: a real subprocess against the sandbox,
with progress (done/total, rate, time left) on stderr while the first sync runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from app.sandbox import SandboxServer, SandboxStoreSpec
from app.sandbox.faults import Fault
from tests.commands.conftest import run_subprocess

BIG_ID = "300003"
BIG_KEY = "bigstore-0a1b2c3d4e5f60718293a4b5c6d7e8f9"
ORDERS = 2000
"""Four pages of 500: the walk reports after each."""
PAGE_DELAY = 0.6
"""Each page of orders waits at least this long, so the sync spans several seconds and the
once-a-second log prints a line between the first and the last (a slower machine only adds
lines)."""
LINE = re.compile(r"^full: (\d+)/(\d+) orders \((\d+)%\)(, (\d+) orders/s)?(, about .+ left)?$")
"""A progress line once the walk knows the total."""


@pytest.fixture(scope="module")
def big_store() -> Iterator[SandboxServer]:
    spec = SandboxStoreSpec(store_id=BIG_ID, api_key=BIG_KEY, orders=ORDERS, inventory=1)
    with SandboxServer(stores=[spec], rate_limit=False) as server:
        yield server


def test_a_first_sync_shows_progress_then_one_final_line(
    big_store: SandboxServer, subprocess_env: dict[str, str]
) -> None:
    added = run_subprocess(
        subprocess_env,
        *("stores", "add", "big", "--store-id", BIG_ID, "--api-url", big_store.base_url),
        stdin=BIG_KEY + "\n",
    )
    assert added.code == 0, added.err
    big_store.add_fault(
        Fault(kind="delay", method="GET", path="/orders*", seconds=PAGE_DELAY, times=100)
    )
    try:
        synced = run_subprocess(subprocess_env, "index", "sync", "big")
    finally:
        big_store.clear_faults()
    assert synced.code == 0, synced.err
    assert "\r" not in synced.err  # not a terminal: whole lines, no in-place updates
    lines = synced.err.strip().splitlines()
    assert lines[0] == "full: starting", lines
    progress = [LINE.match(line) for line in lines[1:-1]]
    assert all(progress), lines
    counts = [(int(m[1]), int(m[2])) for m in progress if m]
    assert counts[-1] == (ORDERS, ORDERS) and counts.count((ORDERS, ORDERS)) == 1, lines
    middle = [m for m in progress if m and int(m[1]) < ORDERS]
    assert middle and all(m[5] and m[6] for m in middle), lines  # a rate and the time left
    assert lines[-1].startswith(
        f"Index of 'big' is up to date: {ORDERS} orders written (full sync, "
    )
    assert re.search(r", \d+ orders/s\)\.$", lines[-1]), lines[-1]
    assert BIG_KEY not in synced.err
