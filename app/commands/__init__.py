"""Sub-commands of ``orderdesk-mcp`` (everything but the shim).

Each module in this package defines ``register(subparsers)``, which adds its parser and sets
``handler`` (a function taking the parsed namespace and returning an exit code). Handlers
import heavy modules lazily so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app import __version__
from app.core.errors import ExpectedError, expected_text

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
COMMAND_MODULES = (
    "serve",
    "stores",
    "clients",
    "config",
    "index",
    "settings",
    "activity",
    "selftest",
)


class CommandError(ExpectedError):
    """An expected failure of a command itself (bad input, nothing to do).

    Like every :class:`~app.core.errors.ExpectedError` a handler lets through, its text is
    printed to stderr and the exit code is 1.
    """


def build_parser() -> argparse.ArgumentParser:
    """The full ``orderdesk-mcp`` parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="orderdesk-mcp",
        description="OrderDesk Tray's MCP server and command line. "
        "With no arguments it is the stdio shim that AI clients launch.",
    )
    parser.add_argument("--version", action="version", version=f"orderdesk-mcp {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"app.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def run_command(argv: Sequence[str]) -> int:
    """Parse ``argv``, run the chosen handler and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except Exception as exc:
        text = expected_text(exc)
        if text is None:
            raise  # a bug: the traceback is the report
        print(f"orderdesk-mcp: {text}", file=sys.stderr)
        return EXIT_FAILURE
