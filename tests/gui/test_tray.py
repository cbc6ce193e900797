"""Tray icon, menu, pause, the no-tray fallback, single instance and approvals."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.core import events
from app.core.access import ApprovalRequest, ClientIdentity, Policy
from app.core.access.sessions import LiveSessions
from app.core.events import Event
from app.gui.application import TrayApplication
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.instance import InstanceServer, ask_running_instance_to_show
from app.gui.tray import Tray, TrayActions

pytestmark = pytest.mark.gui
MENU = [
    "Orders…",
    "Inventory…",
    "Stores…",
    "Activity…",
    "Connect an AI client…",
    "Settings…",
    "",
    "Pause MCP",
    "",
    "Quit",
]


@pytest.fixture
def tray_app(qtbot: Any, ctx: GuiContext) -> Any:
    running = TrayApplication(ctx, tray_available=True)
    yield running
    running.close()


def menu_texts(tray_app: TrayApplication) -> list[str]:
    assert tray_app.tray is not None
    return [action.text() for action in tray_app.tray.menu.actions()]


def test_menu_is_rebuilt_on_show_and_pause_writes_the_setting(
    qtbot: Any, ctx: GuiContext, tray_app: TrayApplication
) -> None:
    tray = tray_app.tray
    assert tray is not None
    tray.menu.aboutToShow.emit()
    assert menu_texts(tray_app) == MENU
    pause = next(a for a in tray.menu.actions() if a.text() == "Pause MCP")
    assert pause.isCheckable() and not pause.isChecked()
    pause.trigger()
    qtbot.waitUntil(lambda: ctx.engine.call(ctx.services.settings.get("mcp.paused")) is True)
    qtbot.waitUntil(lambda: tray.status.paused)
    assert "MCP paused" in tray.icon.toolTip()
    tray.menu.aboutToShow.emit()
    assert next(a for a in tray.menu.actions() if a.text() == "Pause MCP").isChecked()


def test_tooltip_follows_hub_events_from_the_engine_thread(
    qtbot: Any, ctx: GuiContext, tray_app: TrayApplication
) -> None:
    tray = tray_app.tray
    assert tray is not None
    event = Event.of(
        events.CLIENT_CONNECTED, session_id="a", client="claude-ai", identity="Claude Desktop"
    )
    publisher = threading.Thread(target=ctx.engine.hub.publish, args=(event,))
    publisher.start()
    publisher.join()
    qtbot.waitUntil(lambda: "Claude Desktop (1)" in tray.icon.toolTip())
    tray.menu.aboutToShow.emit()
    assert "Connected: Claude Desktop (1)" in menu_texts(tray_app)


def test_tooltip_reads_live_sessions_including_ones_before_the_tray(
    qtbot: Any, ctx: GuiContext
) -> None:
    hub = ctx.engine.hub
    sessions = LiveSessions(hub)
    hub.publish(connected_event("s1", "Cursor"))  # connected before the tray was built
    bridge = HubBridge(hub)
    tray = Tray(bridge, TrayActions(*[lambda *_: None] * 7), sessions=sessions)
    try:
        assert "AI clients: Cursor (1)" in tray.icon.toolTip()
        publishers = [
            threading.Thread(target=hub.publish, args=(connected_event(sid, name),))
            for sid, name in (("s2", "Cursor"), ("s3", "anonymous"))
        ]
        for publisher in publishers:
            publisher.start()
        for publisher in publishers:
            publisher.join()
        qtbot.waitUntil(lambda: "AI clients: Cursor (2), anonymous (1)" in tray.icon.toolTip())
        hub.publish(Event.of(events.CLIENT_DISCONNECTED, session_id="s1"))
        qtbot.waitUntil(lambda: "AI clients: Cursor (1), anonymous (1)" in tray.icon.toolTip())
        assert "some-ai-app" not in tray.icon.toolTip()
    finally:
        bridge.close()
        sessions.close()
        tray.hide()


def connected_event(session_id: str, identity: str) -> Event:
    """A ``client.connected`` event as the MCP host publishes it."""
    return Event.of(
        events.CLIENT_CONNECTED,
        session_id=session_id,
        client="some-ai-app",
        identity=identity,
        transport="socket",
    )


def test_without_a_tray_the_order_browser_opens_and_first_run_offers_stores(
    qtbot: Any, ctx: GuiContext
) -> None:
    running = TrayApplication(ctx, tray_available=False)
    try:
        running.start()
        orders = running.window("orders")
        assert orders is not None and orders.isVisible()
        qtbot.waitUntil(lambda: running.window("stores") is not None)
        stores = running.window("stores")
        qtbot.waitUntil(lambda: stores.empty.isVisible())
    finally:
        running.close()


def test_every_menu_window_opens(qtbot: Any, ctx: GuiContext, tray_app: TrayApplication) -> None:
    for show in (
        tray_app.show_orders,
        tray_app.show_stores,
        tray_app.show_activity,
        tray_app.show_connect_client,
        tray_app.show_settings,
        tray_app.show_inventory,
    ):
        window = show()
        assert window.isVisible()
        screen = window.screen().availableGeometry()
        qtbot.waitUntil(lambda w=window, s=screen: s.contains(w.frameGeometry()))  # fits


def test_a_second_launch_asks_the_first_to_show(qtbot: Any, tmp_path: Path) -> None:
    name = str(tmp_path / "tray.sock")
    assert not ask_running_instance_to_show(name)
    server = InstanceServer(name)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.show_requested, timeout=5000):
            assert ask_running_instance_to_show(name)
    finally:
        server.close()


def test_a_stale_socket_is_replaced(qtbot: Any, tmp_path: Path) -> None:
    name = str(tmp_path / "tray.sock")
    Path(name).write_text("left over by a crash")
    server = InstanceServer(name)
    assert server.listen()
    server.close()


def ask_request(store_id: int | None = None) -> ApprovalRequest:
    client = ClientIdentity("Claude", frozenset({"move"}), None, Policy.ASK, client_id=7)
    return ApprovalRequest(
        client=client,
        store="Sandbox",
        action="orders_move",
        target="order 123",
        diff=(),
        summary="Move order 123 to Closed.",
        store_id=store_id,
    )


def test_approval_dialog_approves(qtbot: Any, ctx: GuiContext, tray_app: TrayApplication) -> None:
    tray_app.start()
    assert ctx.services.approvals.has_approver
    pending = ctx.engine.submit(ctx.services.approvals.request(ask_request()))
    prompter = tray_app._approvals
    qtbot.waitUntil(lambda: len(prompter.dialogs) == 1)
    dialog = next(iter(prompter.dialogs.values()))
    assert dialog.heading.text() == "Claude wants to change the store “Sandbox”:"
    assert dialog.summary.text() == "Move order 123 to Closed."
    assert "Denied automatically in" in dialog.countdown.text()
    qtbot.waitUntil(dialog.approve_button.isEnabled)  # armed after a moment
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(pending.done)
    decision = pending.result()
    assert decision.approved and decision.by == "user"


def test_unanswered_approval_times_out_to_deny_and_closes(
    qtbot: Any, ctx: GuiContext, tray_app: TrayApplication
) -> None:
    tray_app.start()
    pending = ctx.engine.submit(ctx.services.approvals.request(ask_request()))
    prompter = tray_app._approvals
    qtbot.waitUntil(lambda: len(prompter.dialogs) == 1)
    qtbot.waitUntil(lambda: pending.done(), timeout=10000)
    decision = pending.result()
    assert not decision.approved and decision.by == "timeout"
    qtbot.waitUntil(lambda: not prompter.dialogs)


def test_vault_passphrase_is_asked_on_the_gui_thread(qtbot: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    from app.gui.passphrase import PassphrasePrompt

    def answer() -> None:  # runs inside the dialog's own modal loop
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QInputDialog) and widget.isVisible():
                widget.setTextValue("correct horse")
                widget.accept()

    answering = QTimer()
    answering.timeout.connect(answer)
    answering.start(20)
    prompt = PassphrasePrompt()
    answers: list[str | None] = []
    asker = threading.Thread(target=lambda: answers.append(prompt()))
    asker.start()
    try:
        qtbot.waitUntil(lambda: bool(answers))
    finally:
        answering.stop()
        asker.join()
    assert answers == ["correct horse"]
    assert prompt() is None  # on the GUI thread it never blocks
