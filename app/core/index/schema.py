"""The tables of an index file, and the in-place upgrade of files of the previous version.

Schema 4 (see :mod:`app.core.index.keys`): the full-text table's rowid is the order's date
key and it has a ``tags`` column; ``order_days`` keeps orders and revenue per UTC day, folder
and source, kept current by triggers, so statistics read a few thousand summary rows instead
of every order. A schema-3 file is upgraded in SQL from what it holds (about 25 s per million
orders), without asking Order Desk again.
"""

from __future__ import annotations

import sqlite3

from app.core.index.keys import LOW_BITS, folder_tag, source_tag

SCHEMA_VERSION = "4"  # 4: date-ordered full-text keys, tags, day summary (3 upgrades in place)
UPGRADABLE_FROM = "3"

# When each order's row was known current at Order Desk (epoch seconds, any process's clock on
# this machine): a reply or page known earlier never overwrites it.
SEEN_TABLE = "CREATE TABLE IF NOT EXISTS seen (rowid INTEGER PRIMARY KEY, at REAL NOT NULL);"

ORDERS_TABLE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE orders (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source_id TEXT NOT NULL,
    source_name TEXT NOT NULL,
    date_added INTEGER,
    date_updated INTEGER,
    customer_name TEXT NOT NULL,
    shipping_name TEXT NOT NULL,
    email TEXT NOT NULL,
    company TEXT NOT NULL,
    city TEXT NOT NULL,
    folder_id INTEGER,
    total_cents INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    payment_status TEXT NOT NULL,
    date_key INTEGER NOT NULL
);
CREATE INDEX orders_added ON orders(date_added);
CREATE INDEX orders_updated ON orders(date_updated);
CREATE INDEX orders_total ON orders(total_cents);
CREATE INDEX orders_folder ON orders(folder_id, date_added);
CREATE INDEX orders_source ON orders(source_name, date_added);
CREATE TABLE records (rowid INTEGER PRIMARY KEY, raw BLOB NOT NULL);
"""

KEY_INDEX = "CREATE UNIQUE INDEX orders_date_key ON orders(date_key);"

TEXT_TABLE = """
CREATE VIRTUAL TABLE orders_fts USING fts5(
    ids, people, items, notes, tags,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6'
);
"""

# Day -1 holds orders without a date, folder -1 orders without a folder.
_DAY = "ifnull({row}.date_added / 86400, -1), ifnull({row}.folder_id, -1), {row}.source_name"
_ADD = (
    f"INSERT INTO order_days VALUES ({_DAY.format(row='NEW')}, 1, NEW.total_cents) "  # noqa: S608
    "ON CONFLICT DO UPDATE SET orders = orders + 1, cents = cents + excluded.cents;"
)
_REMOVE = (
    "UPDATE order_days SET orders = orders - 1, cents = cents - OLD.total_cents "  # noqa: S608
    "WHERE (day, folder_id, source_name) = "
    f"({_DAY.format(row='OLD')});"
)
DAYS_TABLE = f"""
CREATE TABLE order_days (
    day INTEGER NOT NULL,
    folder_id INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    orders INTEGER NOT NULL,
    cents INTEGER NOT NULL,
    PRIMARY KEY (day, folder_id, source_name)
) WITHOUT ROWID;
CREATE TRIGGER order_days_insert AFTER INSERT ON orders BEGIN {_ADD} END;
CREATE TRIGGER order_days_delete AFTER DELETE ON orders BEGIN {_REMOVE} END;
CREATE TRIGGER order_days_update
    AFTER UPDATE OF date_added, folder_id, source_name, total_cents ON orders
    BEGIN {_REMOVE} {_ADD} END;
"""

SCHEMA = ORDERS_TABLE + KEY_INDEX + TEXT_TABLE + DAYS_TABLE


def upgrade_from_3(connection: sqlite3.Connection) -> None:
    """Turn a schema-3 file into schema 4 in one transaction, from the rows it holds.

    Keys are computed in SQL; a key two orders would share goes to the lower rowid and the
    other order gets the next free one.
    """
    connection.create_function("folder_tag", 1, folder_tag, deterministic=True)
    connection.create_function("source_tag", 1, source_tag, deterministic=True)
    connection.execute("BEGIN IMMEDIATE")
    try:
        (version,) = connection.execute(
            "SELECT value FROM meta WHERE key = 'schema_version'"
        ).fetchone()
        if version != UPGRADABLE_FROM:  # another process upgraded it meanwhile
            connection.execute("ROLLBACK")
            return
        connection.execute("ALTER TABLE orders ADD COLUMN date_key INTEGER NOT NULL DEFAULT 0")
        connection.execute(
            f"UPDATE orders SET date_key = (max(0, ifnull(date_added, 0)) << {LOW_BITS}) "  # noqa: S608
            f"| (rowid & {(1 << LOW_BITS) - 1})"
        )
        _separate_equal_keys(connection)
        for statement in (KEY_INDEX, DAYS_TABLE):
            _run_script(connection, statement)
        connection.execute(
            "INSERT INTO order_days SELECT ifnull(date_added / 86400, -1), ifnull(folder_id, -1), "
            "source_name, count(*), sum(total_cents) FROM orders GROUP BY 1, 2, 3"
        )
        connection.execute("ALTER TABLE orders_fts RENAME TO old_fts")
        _run_script(connection, TEXT_TABLE)
        connection.execute(
            "INSERT INTO orders_fts(rowid, ids, people, items, notes, tags) "
            "SELECT o.date_key, f.ids, f.people, f.items, f.notes, "
            "folder_tag(o.folder_id) || ' ' || source_tag(o.source_name) "
            "FROM orders o JOIN old_fts f ON f.rowid = o.rowid ORDER BY o.date_key"
        )
        connection.execute("DROP TABLE old_fts")
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,)
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _separate_equal_keys(connection: sqlite3.Connection) -> None:
    clashes = connection.execute(
        "SELECT rowid, date_key FROM orders WHERE date_key IN "
        "(SELECT date_key FROM orders GROUP BY date_key HAVING count(*) > 1) "
        "ORDER BY date_key, rowid"
    ).fetchall()
    taken = {key for _, key in clashes}
    kept: set[int] = set()
    for rowid, key in clashes:
        if key not in kept:
            kept.add(key)
            continue
        free = key + 1
        while (
            free in taken
            or connection.execute("SELECT 1 FROM orders WHERE date_key = ?", (free,)).fetchone()
        ):
            free += 1
        taken.add(free)
        connection.execute("UPDATE orders SET date_key = ? WHERE rowid = ?", (free, rowid))


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the open transaction (``executescript`` would commit)."""
    for statement in _statements(script):
        connection.execute(statement)


def _statements(script: str) -> list[str]:
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [statement for statement in statements if statement]
