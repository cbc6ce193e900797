"""Set-up shared by the CLI commands: log file, database, settings, and the app's runtime.

Not a sub-command (it is not in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.commands import CommandError

if TYPE_CHECKING:
    from app.runtime import Runtime

CLI_ENGINE = "orderdesk-cli-engine"


@contextmanager
def storage() -> Iterator[None]:
    """Set up the log file, open and migrate the database, upsert settings; undo on exit.

    Raises:
        CommandError: The database cannot be opened (e.g. written by a newer version).
    """
    from app.core.db import SchemaTooNewError, close_db
    from app.core.logs import setup_logging, teardown_logging
    from app.runtime import open_storage

    setup_logging()
    try:
        try:
            open_storage()
        except SchemaTooNewError as exc:
            raise CommandError(str(exc)) from exc
        yield
    finally:
        close_db()
        teardown_logging()


@contextmanager
def running_runtime(*, demo_keys: bool = False) -> Iterator[Runtime]:
    """The app's runtime (engine thread and services) for one command; stopped on exit.

    The vault passphrase (when no keychain exists) comes from ``ORDERDESK_TRAY_VAULT_PASSPHRASE``
    or a hidden prompt on a terminal.

    Args:
        demo_keys: Answer the demo store's public key without the keychain (``serve --demo``).
    """
    from app.runtime import Runtime

    runtime = Runtime.start(engine_name=CLI_ENGINE, demo_keys=demo_keys)
    runtime.prompt.target = terminal_passphrase
    try:
        yield runtime
    finally:
        runtime.close()


def print_error(message: str) -> None:
    """Write a message for the user to stderr."""
    print(message, file=sys.stderr)


def terminal_passphrase() -> str | None:
    """Ask for the vault passphrase on a terminal; None when there is no terminal."""
    import getpass

    if not sys.stdin.isatty():
        return None
    return getpass.getpass("Vault passphrase for OrderDesk Tray: ") or None
