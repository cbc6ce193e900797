"""The ``orderdesk-mcp`` command line.

With no arguments (or only ``--launch``/``--no-launch``) it is the stdio shim that AI clients
launch, so this module dispatches to the shim before anything heavy (mcp, pydantic, httpx, Qt)
is imported: the shim's start-up budget is tens of milliseconds. Every other sub-command lives
in :mod:`app.commands` and imports what it needs lazily.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

SHIM_FLAGS = frozenset({"--launch", "--no-launch"})


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``orderdesk-mcp``; returns the process exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if all(arg in SHIM_FLAGS for arg in args):
        from app.mcp.shim import run_shim

        return run_shim(launch="--no-launch" not in args)
    from app.commands import run_command
    from app.commands.selftest import as_command

    return run_command(as_command(args))


if __name__ == "__main__":
    sys.exit(main())
