"""``SettingsService``: the user's settings and the login entry, as the faces reach them.

The settings table and the OS login entry are read and written on the engine loop like every
other service call (the GUI reaches them through its engine proxy).
"""

from __future__ import annotations

from app.core import settings
from app.core.settings import SettingValue


class SettingsService:
    """Read and write settings; read and write the "start at login" entry."""

    async def get(self, key: str) -> SettingValue:
        """The current value of setting ``key``.

        Raises:
            SettingError: No such setting.
        """
        return settings.get(key)

    async def all(self) -> dict[str, SettingValue]:
        """Every setting with its current value."""
        return settings.all_settings()

    async def set(self, key: str, value: SettingValue) -> None:
        """Store ``value`` for ``key``.

        Raises:
            SettingError: No such setting, or a value of the wrong type.
        """
        settings.set_value(key, value)

    async def starts_at_login(self) -> bool:
        """Whether the OS has a login entry for the tray.

        Raises:
            AutostartError: The entry cannot be read.
        """
        from app.core import autostart  # the login entries: only for these two calls

        return autostart.is_enabled()

    async def set_start_at_login(self, enabled: bool) -> None:
        """Write or remove the login entry.

        Raises:
            AutostartError: The entry cannot be written or removed.
        """
        from app.core import autostart

        autostart.sync(enabled)
