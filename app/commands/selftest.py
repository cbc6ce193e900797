"""``orderdesk-mcp --selftest`` (also ``orderdesk-mcp selftest``): check this installation.

Runs :func:`app.selftest.run_selftest` without the Qt check, so it passes on a headless server
where the tray's libraries would not load. Exit 0 when every check passed, else 1.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

SELFTEST_FLAG = "--selftest"


def register(subparsers: Any) -> None:
    """Add the ``selftest`` command (``--selftest`` is rewritten to it by :func:`as_command`)."""
    parser = subparsers.add_parser(
        "selftest",
        help="check this installation: imports, vault, database, engine, one MCP call",
        description="Check this installation and print one timed line per check. "
        "Uses a temporary data folder; your real data is not touched.",
    )
    parser.set_defaults(handler=run)


def as_command(argv: list[str]) -> list[str]:
    """Turn ``--selftest`` (the documented flag) into the ``selftest`` sub-command."""
    return ["selftest", *argv[1:]] if argv[:1] == [SELFTEST_FLAG] else argv


def run(args: argparse.Namespace) -> int:
    """Run the self-test on stdout; return its exit code."""
    from app.selftest import run_selftest

    return run_selftest(sys.stdout)
