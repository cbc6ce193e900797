"""Settings: start at login writes/removes the login entry; per-client write policies; the
start-up sync of the login entry with the setting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import peewee as pw
import pytest

from app.__main__ import sync_start_at_login
from app.core import autostart, settings
from app.core.access import Policy
from app.core.paths import HOME_ENV
from app.gui.clients import create_client
from app.gui.context import GuiContext
from app.gui.core_calls import read_setting
from app.gui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui
WAIT = 15000


@pytest.fixture
def autostart_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and XDG_CONFIG_HOME in a temp folder; returns the autostart folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "autostart"


@pytest.fixture
def dialog(qtbot: Any, ctx: GuiContext) -> Iterator[SettingsDialog]:
    shown = SettingsDialog(ctx)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitUntil(lambda: bool(shown.loaded), timeout=WAIT)
    yield shown
    shown.shutdown()
    shown.close()


def exec_line(path: Path) -> str:
    (line,) = [x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("Exec=")]
    return line.removeprefix("Exec=")


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="XDG autostart")
def test_start_at_login_writes_and_removes_the_desktop_file(
    qtbot: Any, ctx: GuiContext, autostart_dir: Path, dialog: SettingsDialog
) -> None:
    entry = autostart_dir / "orderdesk-tray.desktop"
    box = dialog.editors["start_at_login"]
    box.setChecked(True)  # type: ignore[attr-defined]
    dialog.save()
    qtbot.waitUntil(lambda: "Saved 1 setting" in dialog.status.text(), timeout=WAIT)
    assert exec_line(entry) == autostart.desktop_exec(autostart.autostart_command())
    assert ctx.engine.call(read_setting("start_at_login")) is True
    box.setChecked(False)  # type: ignore[attr-defined]
    dialog.save()
    qtbot.waitUntil(lambda: not entry.exists(), timeout=WAIT)
    qtbot.waitUntil(lambda: ctx.engine.call(read_setting("start_at_login")) is False)


def test_a_login_entry_that_cannot_be_written_saves_nothing(
    qtbot: Any, ctx: GuiContext, tmp_path: Path, autostart_dir: Path, dialog: SettingsDialog
) -> None:
    autostart_dir.parent.mkdir(parents=True)
    autostart_dir.write_text("a file where the folder should be")
    (tmp_path / "user" / "Library").mkdir(parents=True)
    (tmp_path / "user" / "Library" / "LaunchAgents").write_text("a file, too")
    dialog.editors["start_at_login"].setChecked(True)  # type: ignore[attr-defined]
    dialog.save()
    qtbot.waitUntil(lambda: "programs started at login" in dialog.status.text(), timeout=WAIT)
    assert ctx.engine.call(read_setting("start_at_login")) is False
    assert dialog.changes() == {"start_at_login": True}


def test_policy_combos_change_each_clients_policy(qtbot: Any, ctx: GuiContext) -> None:
    assert ctx.registry is not None
    for name in ("Cursor", "Claude Desktop"):
        ctx.engine.call(create_client(ctx.registry, name, ["read", "move"], "ask", None))
    shown = SettingsDialog(ctx)
    qtbot.addWidget(shown)
    shown.show()
    try:
        qtbot.waitUntil(lambda: set(shown.policies.combos) == {"Cursor", "Claude Desktop"})
        assert not shown.policies.empty.isVisible()
        combo = shown.policies.combos["Cursor"]
        assert combo.currentData() == "ask"
        combo.setCurrentIndex(combo.findData("deny"))
        assert shown.policies.changes() == {"Cursor": "deny"}
        shown.save()
        qtbot.waitUntil(lambda: "Saved 1 client policy" in shown.status.text(), timeout=WAIT)
        cursor = ctx.registry.get("Cursor")
        claude = ctx.registry.get("Claude Desktop")
        assert cursor is not None and cursor.policy is Policy.DENY
        assert claude is not None and claude.policy is Policy.ASK
        assert shown.policies.changes() == {}
        shown.save()
        qtbot.waitUntil(lambda: shown.status.text() == "Nothing changed.", timeout=WAIT)
    finally:
        shown.shutdown()
        shown.close()


def test_without_clients_the_table_says_how_to_add_one(dialog: SettingsDialog) -> None:
    assert dialog.policies.empty.isVisible()
    assert not dialog.policies.table.isVisible()


def test_a_client_revoked_meanwhile_gets_a_sentence(
    qtbot: Any, ctx: GuiContext, dialog: SettingsDialog
) -> None:
    assert ctx.registry is not None
    ctx.engine.call(create_client(ctx.registry, "Cursor", ["read"], "ask", None))
    dialog.hide()
    dialog.show()  # reopening reads the clients again
    qtbot.waitUntil(lambda: "Cursor" in dialog.policies.combos, timeout=WAIT)
    ctx.engine.call(_revoke(ctx, "Cursor"))
    combo = dialog.policies.combos["Cursor"]
    combo.setCurrentIndex(combo.findData("allow"))
    dialog.save()
    qtbot.waitUntil(lambda: "No client named 'Cursor'" in dialog.status.text(), timeout=WAIT)


async def _revoke(ctx: GuiContext, name: str) -> bool:
    assert ctx.registry is not None
    return ctx.registry.revoke(name)


@pytest.fixture
def default_home(
    db: pw.SqliteDatabase, autostart_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Settings in the temp DB, and no data-folder override (as a user's tray runs)."""
    settings.upsert_defaults()
    monkeypatch.delenv(HOME_ENV)
    return autostart_dir / "orderdesk-tray.desktop"


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="XDG autostart")
def test_start_up_syncs_the_entry_with_the_setting(
    default_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync_start_at_login()
    assert not default_home.exists()
    settings.set_value("start_at_login", True)
    sync_start_at_login()
    assert exec_line(default_home) == autostart.desktop_exec(autostart.autostart_command())
    written = default_home.stat().st_mtime_ns
    sync_start_at_login()
    assert default_home.stat().st_mtime_ns == written  # same content: not rewritten
    default_home.write_text("[Desktop Entry]\nExec=/old/place/orderdesk-tray\n")
    sync_start_at_login()
    assert exec_line(default_home) == autostart.desktop_exec(autostart.autostart_command())
    settings.set_value("start_at_login", False)
    monkeypatch.setenv(HOME_ENV, "/some/portable/folder")
    sync_start_at_login()  # another data folder does not own the entry
    assert default_home.exists()
    monkeypatch.delenv(HOME_ENV)
    sync_start_at_login()
    assert not default_home.exists()


def test_start_up_survives_an_unwritable_entry(
    default_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    default_home.parent.parent.mkdir(parents=True)
    default_home.parent.write_text("not a folder")
    (default_home.parent.parent.parent / "user" / "Library").mkdir(parents=True)
    (default_home.parent.parent.parent / "user" / "Library" / "LaunchAgents").write_text("x")
    settings.set_value("start_at_login", True)
    with caplog.at_level("WARNING", logger="app.main"):
        sync_start_at_login()
    assert "start at login not updated" in caplog.text
