"""Fixtures shared by every test: a temp data folder, no stray environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

_ISOLATED_ENV = (
    "ORDERDESK_TRAY_TOKEN",
    "ORDERDESK_API_URL",
    "ORDERDESK_TRAY_LOG_LEVEL",
    "ORDERDESK_TRAY_VAULT_PASSPHRASE",
)


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder in ``ORDERDESK_TRAY_HOME``."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ORDERDESK_TRAY_HOME", str(home))
    for name in _ISOLATED_ENV:
        monkeypatch.delenv(name, raising=False)
    yield home
