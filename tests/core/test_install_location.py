"""macOS: no client config or login item is written with a path that will not last."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core import autostart
from app.core.autostart import AutostartError
from app.core.client_configs import ClientKind, ConfigFileError, config_path, merge_into_file
from app.core.install_location import location_problem

HOME = Path("/Users/me")
MACOS = "Contents/MacOS/orderdesk-mcp"
TRANSLOCATED = (
    "/private/var/folders/x4/5k_1s2c97tz2b6lm3bhq2n1r0000gn/T/AppTranslocation/"
    f"5F1B0E6A-1C2D-4E3F-9A8B-7C6D5E4F3A2B/d/OrderDesk Tray.app/{MACOS}"
)


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        (TRANSLOCATED, "App Translocation"),
        (f"/Volumes/OrderDesk Tray/OrderDesk Tray.app/{MACOS}", "disk image"),
        (f"/Users/me/Downloads/OrderDesk Tray.app/{MACOS}", "Downloads"),
        (f"/Users/me/Downloads/unzipped/OrderDesk Tray.app/{MACOS}", "Downloads"),
    ],
)
def test_temporary_places_are_named(path: str, problem: str) -> None:
    reason = location_problem(path, "darwin", HOME)
    assert reason is not None and problem in reason


@pytest.mark.parametrize(
    "path",
    [
        f"/Applications/OrderDesk Tray.app/{MACOS}",
        f"/Users/me/Applications/OrderDesk Tray.app/{MACOS}",
        "/Volumes/Work/project/.venv/bin/orderdesk-mcp",  # a developer's venv on a drive
        "/Users/me/Downloads/project/.venv/bin/orderdesk-mcp",
        "/Users/me/DownloadsArchive/OrderDesk Tray.app/" + MACOS,
    ],
)
def test_lasting_places_pass(path: str) -> None:
    assert location_problem(path, "darwin", HOME) is None


def test_other_platforms_have_no_such_places() -> None:
    assert location_problem(TRANSLOCATED, "linux", HOME) is None
    assert location_problem("/Volumes/x/OrderDesk Tray.app/" + MACOS, "win32", HOME) is None


def test_a_translocated_login_item_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(AutostartError, match="Move OrderDesk Tray to your Applications folder"):
        autostart.enable([TRANSLOCATED], platform="darwin")
    assert not autostart.is_enabled(platform="darwin")
    assert not (tmp_path / "Library").exists()


def test_a_translocated_client_config_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    with pytest.raises(ConfigFileError, match="App Translocation") as refused:
        merge_into_file(ClientKind.CURSOR, "token", command=Path(TRANSLOCATED))
    assert "Applications folder" in str(refused.value)
    assert not config_path(ClientKind.CURSOR).exists()
    installed = Path(f"/Applications/OrderDesk Tray.app/{MACOS}")
    assert merge_into_file(ClientKind.CURSOR, "token", command=installed).path.exists()
