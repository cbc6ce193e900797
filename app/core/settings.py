"""User settings, declared once: every setting is a :class:`SettingSpec` in :data:`SETTINGS`.

At start-up :func:`upsert_defaults` inserts the default of every setting the database does not
have yet, so adding a setting needs no migration. Values are stored as JSON text in the
``setting`` table and read back through typed getters that check the declared type.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from app.core.db.models import Setting, database
from app.core.errors import InvalidChange

log = logging.getLogger(__name__)

SettingValue = bool | int | float | str
_T = TypeVar("_T", bool, int, float, str)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingError(InvalidChange, ValueError):
    """An unknown setting key, or a value of the wrong type or out of range."""


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its key, default, Python type and a sentence for the settings window.

    ``minimum``/``maximum`` bound numbers; ``choices`` lists the allowed strings. An
    ``internal`` setting is kept by a window for itself (saved searches, table columns) and is
    not offered in the settings window.
    """

    key: str
    default: SettingValue
    type: type[SettingValue]
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    internal: bool = False

    def check(self, value: object) -> SettingValue:
        """Return ``value`` as this setting's type, or raise :class:`SettingError`."""
        checked = _coerce(self, value)
        if isinstance(checked, int | float) and not isinstance(checked, bool):
            too_low = self.minimum is not None and checked < self.minimum
            too_high = self.maximum is not None and checked > self.maximum
            if too_low or too_high:
                raise SettingError(
                    f"{self.key} must be between {self.minimum} and {self.maximum}, not {checked}"
                )
        if self.choices is not None and checked not in self.choices:
            raise SettingError(f"{self.key} must be one of {', '.join(self.choices)}")
        return checked


_KIND_NAMES: dict[type[SettingValue], str] = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "text",
}


def _coerce(spec: SettingSpec, value: object) -> SettingValue:
    # bool is an int subclass: an int setting must not take True, a bool one not 1.
    if spec.type is bool and isinstance(value, bool):
        return value
    if spec.type is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if spec.type is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if spec.type is str and isinstance(value, str):
        return value
    raise SettingError(f"{spec.key} takes {_KIND_NAMES[spec.type]}, not {value!r}")


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("mcp.socket_enabled", True, bool, "Serve AI clients on the local endpoint."),
    SettingSpec("mcp.http_enabled", False, bool, "Also serve MCP over HTTP on 127.0.0.1."),
    SettingSpec("mcp.http_port", 8765, int, "Port of the local MCP HTTP endpoint.", 1, 65535),
    SettingSpec("mcp.paused", False, bool, "Refuse every write from AI clients."),
    SettingSpec(
        "mcp.allow_tokenless_read",
        False,
        bool,
        "Let local AI clients without a token connect, read only (off: they are refused).",
    ),
    SettingSpec(
        "mcp.result_budget_tokens",
        8000,
        int,
        "Largest tool result sent to an AI client, in tokens (about 4 characters each).",
        1000,
        200_000,
    ),
    SettingSpec("cache.orders_ttl", 15, int, "Seconds an order list stays fresh.", 0, 86400),
    SettingSpec("cache.inventory_ttl", 60, int, "Seconds inventory stays fresh.", 0, 86400),
    SettingSpec("cache.store_ttl", 3600, int, "Seconds store settings stay fresh.", 0, 86400),
    SettingSpec("log.level", "INFO", str, "Level of the log file.", choices=LOG_LEVELS),
    SettingSpec(
        "index.enabled_for_real_stores",
        False,
        bool,
        "Keep a local order index for real (non-demo) stores.",
    ),
    SettingSpec(
        "mirror.max_age",
        90,
        int,
        "Seconds a store's local mirror may lag and still answer reads without asking Order "
        "Desk (0: always ask).",
        0,
        86400,
    ),
    SettingSpec(
        "mirror.feed_active",
        5,
        int,
        "Seconds between change-feed requests while the mirror is in use.",
        1,
        3600,
    ),
    SettingSpec(
        "mirror.feed_idle",
        60,
        int,
        "Seconds between change-feed requests while nothing reads the mirror.",
        1,
        86400,
    ),
    SettingSpec(
        "orderdesk.wait_deadline",
        60,
        int,
        "Seconds a call waits for its turn in the store's Order Desk allowance before failing.",
        1,
        3600,
    ),
    SettingSpec("client.rate_per_minute", 120, int, "Tool calls a client may make a minute.", 1),
    SettingSpec("client.burst", 240, int, "Tool calls a client may make in a burst.", 1),
    SettingSpec("client.writes_per_minute", 30, int, "Writes a client may make a minute.", 1),
    SettingSpec(
        "writes.duplicate_window", 60, int, "Seconds an identical repeat write is refused.", 0, 3600
    ),
    SettingSpec(
        "orders.saved_searches",
        "[]",
        str,
        "The order browser's saved searches (JSON list).",
        internal=True,
    ),
    SettingSpec(
        "orders.hidden_columns",
        "[]",
        str,
        "Columns hidden in the order table (JSON list of column keys).",
        internal=True,
    ),
)
"""Every setting the app knows. Add one here; no migration is needed.

Starting at login is not a setting here: the OS login entry itself is the truth
(:mod:`app.core.autostart`), so an installer's choice and the settings window never disagree.
"""

_SPECS: dict[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}


def spec_for(key: str) -> SettingSpec:
    """Return the spec of ``key``, or raise :class:`SettingError` for an unknown key."""
    try:
        return _SPECS[key]
    except KeyError:
        raise SettingError(f"Unknown setting {key!r}") from None


def upsert_defaults(specs: Iterable[SettingSpec] = SETTINGS) -> list[str]:
    """Insert the default of every setting missing from the database; keep stored values.

    Returns:
        The keys that were inserted.
    """
    rows = [{"key": spec.key, "value": json.dumps(spec.default)} for spec in specs]
    with database.atomic():
        existing = {row.key for row in Setting.select(Setting.key)}
        missing = [row for row in rows if row["key"] not in existing]
        if missing:
            Setting.insert_many(missing).on_conflict_ignore().execute()
    return [row["key"] for row in missing]


def get(key: str) -> SettingValue:
    """Return the stored value of ``key``, or its default if unset or unreadable."""
    spec = spec_for(key)
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return spec.default
    try:
        return spec.check(json.loads(row.value))
    except (ValueError, SettingError):
        log.warning("Setting %s has an unusable stored value; using the default", key)
        return spec.default


def set_value(key: str, value: SettingValue) -> None:
    """Store ``value`` for ``key`` after checking its type and bounds.

    Raises:
        SettingError: Unknown key, wrong type or out of range.
    """
    checked = spec_for(key).check(value)
    Setting.insert(key=key, value=json.dumps(checked)).on_conflict_replace().execute()


def reset(key: str) -> None:
    """Put ``key`` back to its default."""
    set_value(key, spec_for(key).default)


def get_bool(key: str) -> bool:
    """Return a boolean setting."""
    return _typed(key, bool)


def get_int(key: str) -> int:
    """Return an integer setting."""
    return _typed(key, int)


def get_float(key: str) -> float:
    """Return a float setting."""
    return _typed(key, float)


def get_str(key: str) -> str:
    """Return a string setting."""
    return _typed(key, str)


def _typed(key: str, kind: type[_T]) -> _T:
    if spec_for(key).type is not kind:
        raise SettingError(f"{key} holds {_KIND_NAMES[spec_for(key).type]}")
    value = get(key)
    assert isinstance(value, kind)
    return value


def all_settings() -> dict[str, SettingValue]:
    """Return every known setting with its current value."""
    return {spec.key: get(spec.key) for spec in SETTINGS}
