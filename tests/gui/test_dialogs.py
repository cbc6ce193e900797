"""Activity (with Revert), settings, "Connect an AI client" and the crash dialog."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from app.core.access import ClientRegistry
from app.core.client_configs import ClientKind
from app.gui.activity import ActivityWindow
from app.gui.bridge import HubBridge
from app.gui.clients import ConnectClientDialog
from app.gui.context import GuiContext
from app.gui.crash import CrashHandler, crash_report
from app.gui.crash_dialog import CrashDialog
from app.gui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui
WAIT = 30000


@pytest.fixture
def bridge(ctx: GuiContext) -> Iterator[HubBridge]:
    hub_bridge = HubBridge(ctx.engine.hub)
    yield hub_bridge
    hub_bridge.close()


def test_activity_lists_writes_and_reverts_an_update(
    qtbot: Any, ctx: GuiContext, store: Any, bridge: HubBridge
) -> None:
    orders = ctx.services.orders
    order = ctx.engine.call(orders.list(store, limit=1)).orders[0]
    city = order.shipping["city"]
    ctx.engine.call(orders.update(store, order.id, {"shipping": {"city": "Elsewhere"}},
                                  actor="mcp:claude"))  # fmt: skip
    window = ActivityWindow(ctx, bridge)
    window.show()
    try:
        qtbot.waitUntil(lambda: bool(window.entries), timeout=WAIT)
        newest = window.entries[0]
        assert (newest.actor, newest.action) == ("mcp:claude", "order.update")
        assert window.table.item(0, 4).text().startswith("applied (GET→PUT ")
        window.table.selectRow(0)
        assert "Elsewhere" in window.details.toPlainText()
        assert window.revert_button.isEnabled()
        window.tasks.start(window.revert(newest.id))
        qtbot.waitUntil(lambda: "Reverted" in window.status.text(), timeout=WAIT)
        restored = ctx.engine.call(orders.get(store, order.id, fresh=True))
        assert restored.shipping["city"] == city
        qtbot.waitUntil(lambda: window.entries[0].actor == "gui", timeout=WAIT)
    finally:
        window.shutdown()
        window.close()


def test_settings_dialog_saves_changed_values(qtbot: Any, ctx: GuiContext) -> None:
    dialog = SettingsDialog(ctx)
    dialog.show()
    try:
        qtbot.waitUntil(lambda: bool(dialog.loaded), timeout=WAIT)
        dialog.editors["cache.orders_ttl"].setValue(42)
        dialog.editors["log.level"].setCurrentText("DEBUG")
        assert dialog.changes() == {"cache.orders_ttl": 42, "log.level": "DEBUG"}
        dialog.save()
        qtbot.waitUntil(lambda: "Saved 2 setting" in dialog.status.text(), timeout=WAIT)
        assert ctx.engine.call(ctx.services.settings.get("cache.orders_ttl")) == 42
        assert ctx.engine.call(ctx.services.settings.get("log.level")) == "DEBUG"
    finally:
        dialog.shutdown()
        dialog.close()


def test_connect_client_creates_a_token_and_writes_the_config(
    qtbot: Any, ctx: GuiContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    cursor = tmp_path / ".cursor" / "mcp.json"
    cursor.parent.mkdir()
    cursor.write_text(json.dumps({"mcpServers": {"other": {"command": "x"}}}))
    dialog = ConnectClientDialog(ctx)
    dialog.show()
    try:
        dialog.kind.setCurrentIndex(dialog.kind.findData(ClientKind.CURSOR))
        assert dialog.name.text() == "Cursor"
        dialog.scopes["move"].setChecked(True)
        dialog.create_token()
        qtbot.waitUntil(lambda: dialog.token is not None, timeout=WAIT)
        assert dialog.token in dialog.entry.toPlainText()
        (client,) = ClientRegistry().list()
        assert client.name == "Cursor" and "move" in client.scopes
        dialog.write()
        qtbot.waitUntil(lambda: "Wrote" in dialog.status.text(), timeout=WAIT)
        servers = json.loads(cursor.read_text())["mcpServers"]
        assert set(servers) == {"other", "orderdesk"}
        dialog.copy()
        assert QGuiApplication.clipboard().text() == dialog.entry.toPlainText()
    finally:
        dialog.shutdown()
        dialog.close()


def test_crash_report_is_redacted_and_copyable(qtbot: Any) -> None:
    try:
        raise RuntimeError("failed with api_key=sk-live-1234567890 in the way")
    except RuntimeError as error:
        report = crash_report(type(error), error, error.__traceback__)
    assert "sk-live-1234567890" not in report and "RuntimeError" in report
    dialog = CrashDialog(report)
    qtbot.addWidget(dialog)
    dialog.copy_report()
    assert QGuiApplication.clipboard().text() == report


def test_crash_handler_logs_without_a_gui(capsys: pytest.CaptureFixture[str]) -> None:
    handler = CrashHandler()
    handler.install()
    try:
        try:
            raise ValueError("boom")
        except ValueError as error:
            sys.excepthook(type(error), error, error.__traceback__)
    finally:
        handler.uninstall()
    assert "ValueError: boom" in capsys.readouterr().err


def test_an_expected_error_nobody_caught_is_a_message_not_a_crash(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.core.errors import KeychainLocked

    handler = CrashHandler()
    handler.gui_ready = True
    monkeypatch.setattr(handler, "_show", lambda report: pytest.fail(f"crash dialog: {report}"))
    error = KeychainLocked()
    handler.handle(type(error), error, None)
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    qtbot.waitUntil(lambda: any(box.isVisible() for box in boxes))
    (box,) = [box for box in boxes if box.isVisible()]
    assert box.text() == str(KeychainLocked())
    box.accept()
    qtbot.waitUntil(lambda: not handler._messages)


def test_activity_shows_a_denied_attempt_beside_the_applied_writes(
    qtbot: Any, ctx: GuiContext, core: Any, store: Any, bridge: HubBridge
) -> None:
    from app.core.access import (
        ApprovalRequest,
        ClientIdentity,
        DecidedBy,
        Decision,
        FieldChange,
        Policy,
    )
    from app.mcp.tools.context import record_denial

    order = ctx.engine.call(core.orders.list(store, limit=1)).orders[0]
    ctx.engine.call(core.orders.update(store, order.id, {"shipping": {"city": "Elsewhere"}},
                                       actor="mcp:claude"))  # fmt: skip
    window = ActivityWindow(ctx, bridge)
    window.show()
    try:
        qtbot.waitUntil(lambda: bool(window.entries), timeout=WAIT)
        assert window.entries[0].state == "applied"
        claude = ClientIdentity("claude", frozenset({"move"}), None, Policy.ASK, 3)
        change = FieldChange("folder", "New", "Cancelled", "#1001 · Jane Roe")
        summary = "Move 1 order(s) to folder Cancelled."
        target = "order #1001 · Jane Roe"
        request = ApprovalRequest(
            claude, "Sandbox", "orders_move", target, (change,), summary, store.id
        )
        decision = Decision(request.request_id, False, DecidedBy.TIMEOUT, "Nobody approved it.")

        async def deny() -> int | None:
            return record_denial(core, ctx.engine.hub, "mcp:claude", request, decision)

        assert ctx.engine.call(deny()) is not None
        qtbot.waitUntil(lambda: window.entries[0].state == "denied", timeout=WAIT)  # live
        assert [e.state for e in window.entries[:2]] == ["denied", "applied"]
        outcome = window.table.item(0, 4).text()
        assert outcome == "denied: timed out waiting for approval"
        assert window.table.item(0, 3).text() == "order #1001 · Jane Roe"
        window.table.selectRow(0)
        details = window.details.toPlainText()
        assert details.startswith("Denied: nothing was sent to Order Desk.")
        assert "#1001 · Jane Roe: folder: New → Cancelled" in details
        assert not window.revert_button.isEnabled()
    finally:
        window.shutdown()
        window.close()
