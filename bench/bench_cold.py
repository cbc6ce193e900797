"""Benchmark: cold start of ``orderdesk-mcp serve --stdio``, measured at its pipes.

Prepares a data folder like a real one (the sandbox store registered with its API key in the
encrypted vault, the local mirror on and synced once, an AI client token), then ``--runs`` times:
spawn ``serve --stdio``, write ``initialize`` at once, and time the answer; then
``notifications/initialized`` and one ``orders_get`` (answered from the warm mirror) timed from
the spawn. Prints medians and the requests the starts cost at Order Desk (0 is the goal when the
mirror is fresh). Raw JSON-RPC lines, no client library, so only the server is measured.

Python's bytecode cache: an installed app finds its modules compiled (pip writes ``.pyc`` files at
install, the PyInstaller bundle holds them), but a source checkout run with
``PYTHONDONTWRITEBYTECODE=1`` compiles every app module at every start (~60 ms of CPU for the
services alone). By default the server processes get a bytecode cache in the temp folder
(``PYTHONPYCACHEPREFIX``; the warm-up start fills it); ``--no-bytecode`` measures without one.

Usage: ``.venv/bin/python bench/bench_cold.py [--runs 9] [--no-bytecode]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from bench_requests import kinds, prepare
from serving import API_KEY, CLI, STORE_ID

from app.sandbox import SandboxServer, SandboxStoreSpec

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "bench-cold", "version": "1"},
    },
}


def send(stream: IO[bytes], message: dict[str, Any]) -> None:
    """Write one JSON-RPC line."""
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


def answer(stream: IO[bytes], wanted_id: int) -> dict[str, Any]:
    """Read lines until the response with ``wanted_id``."""
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the server closed its stdout")
        message = json.loads(line)
        if message.get("id") == wanted_id:
            return dict(message)


def one_start(env: dict[str, str], order_id: str) -> tuple[float, float]:
    """Spawn, initialize, read one order; return (ms to initialize, ms to the order)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, "serve", "--stdio"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        send(proc.stdin, INITIALIZE)
        answer(proc.stdout, 1)
        initialized = time.perf_counter()
        send(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        call = {"name": "orders_get", "arguments": {"order_id": order_id}}
        send(proc.stdin, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call})
        response = answer(proc.stdout, 2)
        got = time.perf_counter()
        CPU_TO_ANSWER.append(_cpu_ms(proc.pid))
        result = response["result"]
        EARLY.append(_answered_early(response))
        if result.get("isError"):
            raise SystemExit(f"orders_get failed: {result['content']}")
        source = result.get("structuredContent", {}).get("source")
        if source != "mirror":
            print(f"  (orders_get answered from {source}, not the mirror)", file=sys.stderr)
    finally:
        proc.stdin.close()
        proc.wait(30)
    return (initialized - started) * 1000, (got - started) * 1000


EARLY: list[bool] = []
CPU_TO_ANSWER: list[float] = []


def _cpu_ms(pid: int) -> float:
    """CPU time (user + system, all threads) the process used so far, from /proc (Linux);
    NaN elsewhere. Independent of how busy the machine is, unlike the wall times."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def _answered_early(response: dict[str, Any]) -> bool:
    """Whether the stdio layer answered before the SDK loaded: its content blocks keep the
    handler's key order (``type`` first), the SDK's per-version result filter sorts them."""
    content = response["result"].get("content") or [{}]
    return next(iter(content[0]), None) == "type"


def main() -> int:
    """Prepare the folder, run the starts, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-bytecode", action="store_true", help="no bytecode cache")
    args = parser.parse_args()
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=API_KEY, orders=500, inventory=3)
    with SandboxServer([spec], rate_limit=True) as sandbox, tempfile.TemporaryDirectory() as tmp:
        env = prepare(Path(tmp), sandbox.base_url)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if args.no_bytecode:  # (a __pycache__ beside the app's sources would still be read)
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        else:  # the prefix applies to every module: the warm-up start fills it
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        subprocess.run([*CLI, "index", "sync", "Bench"], env=env, check=True, capture_output=True)
        od = sandbox.store(STORE_ID)
        order_id = str(next(iter(od.orders)))
        one_start(env, order_id)  # warm the OS file cache (and bytecode), as a 2nd start would
        od.reset_counts()
        cpu_before = _children_cpu()
        starts = [one_start(env, order_id) for _ in range(args.runs)]
        cpu_ms = (_children_cpu() - cpu_before) * 1000 / args.runs
        requests = od.request_count()
        by_kind = dict(kinds(od))
    inits = [s[0] for s in starts]
    firsts = [s[1] for s in starts]
    print(
        f"serve --stdio spawn -> initialize answered: median {statistics.median(inits):.0f} ms"
        f" (min {min(inits):.0f}, max {max(inits):.0f}; goal <= 300) over {args.runs} starts"
    )
    print(
        f"spawn -> first orders_get answered (warm mirror): median"
        f" {statistics.median(firsts):.0f} ms (min {min(firsts):.0f}, max {max(firsts):.0f};"
        f" goal <= 400); answered before the SDK loaded: {sum(EARLY[1:])} of {args.runs}"
    )
    print(
        f"server CPU from spawn to that answer: median {statistics.median(CPU_TO_ANSWER[1:]):.0f}"
        " ms (all threads, /proc; what an idle core would need, python start-up included)"
    )
    print(f"bytecode cache: {'none' if args.no_bytecode else 'yes (as installed)'}")
    print(f"Order Desk requests over the {args.runs} starts: {requests} {by_kind}")
    print(
        f"CPU per start (user + system, whole process life; load-independent): {cpu_ms:.0f} ms;"
        f" load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    return 0


def _children_cpu() -> float:
    """CPU seconds used by waited-for child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    sys.exit(main())
