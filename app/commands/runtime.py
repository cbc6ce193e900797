"""Set-up shared by the CLI commands: log file, database, settings, and an engine thread.

Not a sub-command (it is not in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from app.commands import CommandError
from app.core.engine import Engine

if TYPE_CHECKING:
    from app.core.services.stores import StoreService


@contextmanager
def storage() -> Iterator[None]:
    """Set up the log file, open and migrate the database, upsert settings; undo on exit.

    Raises:
        CommandError: The database cannot be opened (e.g. written by a newer version).
    """
    from app.core import settings
    from app.core.db import SchemaTooNewError, close_db, init_db
    from app.core.logs import setup_logging, teardown_logging

    setup_logging()
    try:
        try:
            init_db()
        except SchemaTooNewError as exc:
            raise CommandError(str(exc)) from exc
        settings.upsert_defaults()
        setup_logging(settings.get_str("log.level"))
        yield
    finally:
        close_db()
        teardown_logging()


@contextmanager
def running_engine() -> Iterator[Engine]:
    """Start an engine thread for the command; stop it (and its DB connection) on exit."""
    from app.core.db import database

    engine = Engine("orderdesk-cli-engine")
    engine.start()

    async def close_engine_connection() -> None:
        if not database.is_closed():
            database.close()

    engine.add_closer(close_engine_connection)
    try:
        yield engine
    finally:
        engine.stop()


def print_error(message: str) -> None:
    """Write a message for the user to stderr."""
    print(message, file=sys.stderr)


def _prompt_passphrase() -> str | None:
    """Ask for the vault passphrase on a terminal; None when there is no terminal."""
    import getpass

    if not sys.stdin.isatty():
        return None
    return getpass.getpass("Vault passphrase for OrderDesk Tray: ") or None


def build_store_service(engine: Engine) -> StoreService:
    """Build the app's services on ``engine`` and return the store service.

    The vault passphrase (when no keychain exists) comes from ``ORDERDESK_TRAY_VAULT_PASSPHRASE``
    or a hidden prompt on a terminal.
    """
    from app.core.secrets import open_secret_store
    from app.core.services import Services

    return Services.create(engine, secrets=open_secret_store(_prompt_passphrase)).stores
