"""Connect an AI client: the stores allow-list, the connected clients with their live sessions
(from a real MCP host on the local endpoint), and Revoke ending those sessions."""

from __future__ import annotations

import json
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core import settings
from app.core.access import ClientRegistry
from app.core.access.sessions import LiveSessions
from app.core.client_configs import ClientKind
from app.core.events import CLIENT_CONNECTED, CLIENT_REVOKED, Event
from app.core.services import Services
from app.gui.bridge import HubBridge
from app.gui.clients import ConnectClientDialog
from app.gui.connected_clients import CLIENT_COLUMNS, SESSIONS_COLUMN
from app.gui.context import GuiContext
from app.mcp.host import McpHost

pytestmark = pytest.mark.gui
WAIT = 30000


@pytest.fixture
def live_ctx(ctx: GuiContext) -> Iterator[GuiContext]:
    """The GUI context with a live-session list following the hub."""
    ctx.sessions = LiveSessions(ctx.engine.hub)
    yield ctx
    ctx.sessions.close()


@pytest.fixture
def host(live_ctx: GuiContext, core: Services) -> Iterator[McpHost]:
    """The real MCP host serving the local endpoint on the test engine."""
    running = McpHost(
        live_ctx.engine, core, core.clients.registry, settings.get, approvals=core.approvals
    )
    running.start(local=True, http_port=None)
    yield running
    running.stop()


@pytest.fixture
def dialog(qtbot: Any, live_ctx: GuiContext) -> Iterator[ConnectClientDialog]:
    shown = ConnectClientDialog(live_ctx)
    qtbot.addWidget(shown)
    shown.show()
    yield shown
    shown.shutdown()
    shown.close()


def connect(host: McpHost, token: str | None, client: str) -> socket.socket:
    """Open a session on the local endpoint the way the shim does: one hello line."""
    info = host.endpoint
    assert info is not None and info.path
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(info.path)
    sock.sendall(json.dumps({"token": token, "client": client}).encode() + b"\n")
    reply = b""
    while not reply.endswith(b"\n"):
        reply += sock.recv(4096)
    assert json.loads(reply)["hello"] == "ok", reply
    return sock


def cells(dialog: ConnectClientDialog) -> dict[str, list[str]]:
    table = dialog.connected.table
    return {
        table.item(row, 0).text(): [table.item(row, c).text() for c in range(len(CLIENT_COLUMNS))]
        for row in range(table.rowCount())
    }


def add_client(ctx: GuiContext, name: str) -> str:
    _, token = ctx.engine.call(ctx.services.clients.add(name, ["read", "move"], "ask", None))
    return token


def test_checked_stores_become_the_allow_list(
    qtbot: Any, live_ctx: GuiContext, store: Any, dialog: ConnectClientDialog
) -> None:
    qtbot.waitUntil(lambda: dialog.stores.count() == 1, timeout=WAIT)
    assert dialog.stores.item(0).text() == "Sandbox"
    assert dialog.chosen_stores() is None
    dialog.name.setText("Everything")
    dialog.create_token()
    qtbot.waitUntil(lambda: dialog.token is not None, timeout=WAIT)
    everything = ClientRegistry().get("Everything")
    assert everything is not None and everything.store_ids is None

    other = ConnectClientDialog(live_ctx)
    qtbot.addWidget(other)
    other.show()
    try:
        qtbot.waitUntil(lambda: other.stores.count() == 1, timeout=WAIT)
        other.stores.item(0).setCheckState(Qt.CheckState.Checked)
        assert other.chosen_stores() == ["Sandbox"]
        other.name.setText("Only Sandbox")
        other.create_token()
        qtbot.waitUntil(lambda: other.token is not None, timeout=WAIT)
        limited = ClientRegistry().get("Only Sandbox")
        assert limited is not None and limited.store_ids == (store.id,)
        assert limited.store_names == ("Sandbox",)
        qtbot.waitUntil(lambda: "Only Sandbox" in cells(other), timeout=WAIT)
        assert cells(other)["Only Sandbox"][3] == "Sandbox"
        assert cells(other)["Everything"][3] == "all stores"
    finally:
        other.shutdown()
        other.close()


def test_a_taken_name_gets_a_sentence(
    qtbot: Any, live_ctx: GuiContext, dialog: ConnectClientDialog
) -> None:
    add_client(live_ctx, "Cursor")
    dialog.name.setText("Cursor")
    dialog.create_token()
    qtbot.waitUntil(lambda: "exists already" in dialog.status.text(), timeout=WAIT)
    assert dialog.token is None


def test_sessions_are_counted_live_and_revoke_ends_them(
    qtbot: Any,
    live_ctx: GuiContext,
    host: McpHost,
    dialog: ConnectClientDialog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert live_ctx.sessions is not None
    settings.set_value("mcp.allow_tokenless_read", True)  # to count a token-less session too
    cursor_token = add_client(live_ctx, "Cursor")
    add_client(live_ctx, "Claude Desktop")
    dialog.connected.reload()  # added behind the dialog's back: no event says so
    qtbot.waitUntil(lambda: set(cells(dialog)) == {"Cursor", "Claude Desktop"}, timeout=WAIT)
    assert cells(dialog)["Cursor"][1:5] == ["read, move", "ask", "all stores", "never"]
    assert dialog.connected.sessions_line.text() == "No AI client is connected now."
    revoked: list[Event] = []
    unsubscribe = live_ctx.engine.hub.subscribe(
        lambda event: revoked.append(event) if event.kind == CLIENT_REVOKED else None
    )
    sockets = [connect(host, cursor_token, "cursor"), connect(host, cursor_token, "cursor")]
    sockets.append(connect(host, None, "someone"))
    try:
        qtbot.waitUntil(lambda: cells(dialog)["Cursor"][SESSIONS_COLUMN] == "2", timeout=WAIT)
        assert cells(dialog)["Claude Desktop"][SESSIONS_COLUMN] == "0"
        assert cells(dialog)["Cursor"][4] != "never"
        qtbot.waitUntil(
            lambda: (
                dialog.connected.sessions_line.text()
                == "3 session(s) connected now. 1 without a token (read only)."
            ),
            timeout=WAIT,
        )
        assert not dialog.connected.revoke_button.isEnabled()
        row = list(cells(dialog)).index("Cursor")
        dialog.connected.table.selectRow(row)
        assert dialog.connected.revoke_button.isEnabled()
        asked: list[str] = []

        def answer_yes(*args: Any) -> QMessageBox.StandardButton:
            asked.append(args[2])
            return QMessageBox.StandardButton.Yes

        monkeypatch.setattr(QMessageBox, "question", answer_yes)
        dialog.connected.revoke_button.click()
        assert "Its 2 live session(s) end now" in asked[0]
        qtbot.waitUntil(lambda: set(cells(dialog)) == {"Claude Desktop"}, timeout=WAIT)
        assert "Revoked 'Cursor'" in dialog.connected.status.text()
        assert [event.data["name"] for event in revoked] == ["Cursor"]
        qtbot.waitUntil(lambda: live_ctx.sessions.counts() == {"anonymous": 1}, timeout=WAIT)
        for sock in sockets[:2]:
            assert sock.recv(4096) == b""  # the host ended the revoked client's sessions
        assert ClientRegistry().get("Cursor") is None
        qtbot.waitUntil(
            lambda: (
                dialog.connected.sessions_line.text()
                == "1 session(s) connected now. 1 without a token (read only)."
            ),
            timeout=WAIT,
        )
    finally:
        unsubscribe()
        for sock in sockets:
            sock.close()


def test_declining_the_question_revokes_nothing(
    qtbot: Any, live_ctx: GuiContext, dialog: ConnectClientDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(live_ctx, "Cursor")
    dialog.connected.reload()
    qtbot.waitUntil(lambda: "Cursor" in cells(dialog), timeout=WAIT)
    dialog.connected.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    dialog.connected.revoke_selected()
    assert ClientRegistry().get("Cursor") is not None


def test_views_disconnect_the_hub_signals_they_connected(qtbot: Any, live_ctx: GuiContext) -> None:
    bridge = HubBridge(live_ctx.engine.hub)
    shown = ConnectClientDialog(live_ctx, bridge)
    qtbot.addWidget(shown)
    shown.show()
    try:
        qtbot.waitUntil(lambda: not shown.connected.tasks.busy, timeout=WAIT)
        event = Event.of(CLIENT_CONNECTED, session_id="s1", identity="Cursor")
        bridge.client_connected.emit(event)
        assert shown.connected.tasks.busy  # a reload started
        qtbot.waitUntil(lambda: not shown.connected.tasks.busy, timeout=WAIT)
        shown.shutdown()
        bridge.client_connected.emit(event)
        bridge.store_changed.emit(event)
        assert not shown.connected.tasks.busy and not shown.tasks.busy
    finally:
        shown.close()
        bridge.close()


def test_extension_and_install_links_once_the_token_exists(
    qtbot: Any,
    dialog: ConnectClientDialog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    assert not dialog.mcpb_button.isEnabled() and not dialog.link_button.isEnabled()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ClientKind.CLAUDE_DESKTOP))
    dialog.create_token()
    qtbot.waitUntil(lambda: dialog.token is not None, timeout=WAIT)
    assert dialog.mcpb_button.isEnabled() and not dialog.link_button.isEnabled()
    target = tmp_path / "odt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.mcpb_button.click()
    with zipfile.ZipFile(tmp_path / "odt.mcpb") as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["user_config"]["client_token"]["sensitive"] is True
    assert QGuiApplication.clipboard().text() == dialog.token
    assert "on the clipboard" in dialog.status.text()

    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True
    )
    dialog.kind.setCurrentIndex(dialog.kind.findData(ClientKind.CURSOR))
    assert dialog.link_button.isEnabled() and not dialog.mcpb_button.isEnabled()
    dialog.link_button.click()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ClientKind.VSCODE))
    dialog.link_button.click()
    assert opened[0].startswith("cursor://anysphere.cursor-deeplink/mcp/install?")
    assert opened[1].startswith("vscode:mcp/install?")
    assert "VS Code asks for the client token" in dialog.status.text()
