"""Small coroutines that run plain core functions on the engine thread.

Windows await them through ``engine.run(...)`` so every database touch happens on the engine's
connection, never on the GUI thread.
"""

from __future__ import annotations

from app.core import settings
from app.core.settings import SettingValue


async def read_setting(key: str) -> SettingValue:
    """Return the current value of setting ``key``."""
    return settings.get(key)


async def read_all_settings() -> dict[str, SettingValue]:
    """Return every setting with its value."""
    return settings.all_settings()


async def write_setting(key: str, value: SettingValue) -> None:
    """Store ``value`` for ``key`` (raises :class:`~app.core.settings.SettingError`)."""
    settings.set_value(key, value)
