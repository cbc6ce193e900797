"""Settings: the start-at-login box shows and changes the OS login entry itself (clicked as a person
would); a login entry survives the tray's start; per-client write policies."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from app.core import autostart, login_entries
from app.core.access import ClientRegistry, Policy
from app.core.paths import HOME_ENV
from app.gui.context import GuiContext
from app.gui.settings_dialog import SettingsDialog
from tests.processes import START_LIMIT_S, running_tray, wait_for_log

pytestmark = pytest.mark.gui
WAIT = 30000


@pytest.fixture
def autostart_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME and XDG_CONFIG_HOME in a temp folder; returns the autostart folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc-xdg"))
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


def click(qtbot: Any, widget: QWidget) -> None:
    """A left click where a person clicks: a check box's box (the middle of a wide check box
    can be past its text, where a click does nothing), else the widget's middle."""
    pos = widget.rect().center()
    if isinstance(widget, QCheckBox):
        option = QStyleOptionButton()
        widget.initStyleOption(option)
        element = QStyle.SubElement.SE_CheckBoxIndicator
        pos = widget.style().subElementRect(element, option, widget).center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def click_save(qtbot: Any, dialog: SettingsDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    click(qtbot, buttons.button(QDialogButtonBox.StandardButton.Save))


def reopen(qtbot: Any, dialog: SettingsDialog) -> None:
    dialog.loaded = {}
    dialog.hide()
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.loaded), timeout=WAIT)


LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG autostart")
INSTALLER_ENTRY = (
    "[Desktop Entry]\nType=Application\nName=OrderDesk Tray\nExec=/opt/odt/orderdesk-tray\n"
)
"""What ``install-desktop.sh --autostart`` writes, in short (its Exec points at the bundle)."""


@LINUX_ONLY
def test_the_box_and_the_login_entry_agree_both_ways(
    qtbot: Any, autostart_dir: Path, dialog: SettingsDialog
) -> None:
    entry = autostart_dir / "orderdesk-tray.desktop"
    box = dialog.editors["start_at_login"]
    assert isinstance(box, QCheckBox) and not box.isChecked()
    click(qtbot, box)
    assert box.isChecked()
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: "Saved 1 setting" in dialog.status.text(), timeout=WAIT)
    assert exec_line(entry) == login_entries.desktop_exec(autostart.autostart_command())
    click(qtbot, box)
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not entry.exists(), timeout=WAIT)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(INSTALLER_ENTRY, encoding="utf-8")  # the installer (or a person) adds it
    reopen(qtbot, dialog)
    assert box.isChecked()
    click(qtbot, box)
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: not entry.exists(), timeout=WAIT)
    reopen(qtbot, dialog)
    assert not box.isChecked()


def test_a_login_entry_that_cannot_be_written_saves_nothing(
    qtbot: Any, tmp_path: Path, autostart_dir: Path, dialog: SettingsDialog
) -> None:
    autostart_dir.parent.mkdir(parents=True)
    autostart_dir.write_text("a file where the folder should be")
    (tmp_path / "user" / "Library").mkdir(parents=True)
    (tmp_path / "user" / "Library" / "LaunchAgents").write_text("a file, too")
    click(qtbot, dialog.editors["start_at_login"])
    click_save(qtbot, dialog)
    qtbot.waitUntil(lambda: "programs started at login" in dialog.status.text(), timeout=WAIT)
    assert not autostart.is_enabled()
    assert dialog.changes() == {"start_at_login": True}


def test_policy_combos_change_each_clients_policy(qtbot: Any, ctx: GuiContext) -> None:
    for name in ("Cursor", "Claude Desktop"):
        ctx.engine.call(ctx.services.clients.add(name, ["read", "move"], "ask", None))
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
        cursor = ClientRegistry().get("Cursor")
        claude = ClientRegistry().get("Claude Desktop")
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
    ctx.engine.call(ctx.services.clients.add("Cursor", ["read"], "ask", None))
    dialog.hide()
    dialog.show()  # reopening reads the clients again
    qtbot.waitUntil(lambda: "Cursor" in dialog.policies.combos, timeout=WAIT)
    ctx.engine.call(_revoke(ctx, "Cursor"))
    combo = dialog.policies.combos["Cursor"]
    combo.setCurrentIndex(combo.findData("allow"))
    dialog.save()
    qtbot.waitUntil(lambda: "No client named 'Cursor'" in dialog.status.text(), timeout=WAIT)


async def _revoke(ctx: GuiContext, name: str) -> bool:
    return await ctx.services.clients.revoke(name)


def tray_env(tmp_path: Path) -> dict[str, str]:
    """A user's tray: no data-folder override, HOME and the XDG folders in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if k != HOME_ENV}
    env.update(
        HOME=str(tmp_path / "user"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        ORDERDESK_TRAY_VAULT_PASSPHRASE="test-passphrase",
    )
    return env


@LINUX_ONLY
def test_a_login_entry_survives_the_first_start(tmp_path: Path, autostart_dir: Path) -> None:
    entry = autostart_dir / "orderdesk-tray.desktop"
    autostart_dir.mkdir(parents=True)
    entry.write_text(INSTALLER_ENTRY, encoding="utf-8")
    log = tmp_path / "data" / "orderdesk-tray" / "logs" / "orderdesk-tray.log"
    with running_tray(env=tray_env(tmp_path)) as tray:
        wait_for_log(log, "tray up", tray)
        tray.send_signal(signal.SIGTERM)
        assert tray.wait(START_LIMIT_S) == 0
    assert entry.read_text(encoding="utf-8") == INSTALLER_ENTRY
