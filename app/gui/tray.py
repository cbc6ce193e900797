"""The tray icon: status tooltip, and a menu rebuilt each time it is about to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.core import events
from app.core.access.sessions import LiveSessions
from app.core.events import Event
from app.gui.bridge import HubBridge
from app.gui.icons import app_icon, paused_icon
from app.gui.status import TrayStatus

CLIENT_EVENTS = (events.CLIENT_CONNECTED, events.CLIENT_DISCONNECTED)


@dataclass(frozen=True)
class TrayActions:
    """What the menu entries do (the application wires these)."""

    orders: Callable[[], object]
    stores: Callable[[], object]
    activity: Callable[[], object]
    connect_client: Callable[[], object]
    settings: Callable[[], object]
    set_paused: Callable[[bool], None]
    quit: Callable[[], None]
    inventory: Callable[[], object] | None = None


class Tray(QObject):
    """The system tray icon with its menu and tooltip.

    Args:
        bridge: Hub events as Qt signals (for the tooltip).
        actions: Menu callbacks.
        parent: Owning QObject.
        sessions: The live AI client sessions (``GuiContext.sessions``); the tooltip's client
            list is read from it on every connect or disconnect. None: folded from the events.
    """

    status_changed = Signal(object)

    def __init__(
        self,
        bridge: HubBridge,
        actions: TrayActions,
        parent: QObject | None = None,
        sessions: LiveSessions | None = None,
    ):
        super().__init__(parent)
        self._actions = actions
        self._sessions = sessions
        self.status = TrayStatus(engine_running=True)
        if sessions is not None:
            self.status = self.status.with_sessions(sessions.live())
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        bridge.any_event.connect(self._on_event)
        self.rebuild_menu()
        self._refresh()

    def show(self) -> None:
        """Put the icon in the tray."""
        self.icon.show()

    def hide(self) -> None:
        """Take the icon out of the tray."""
        self.icon.hide()

    def set_paused(self, paused: bool) -> None:
        """Reflect the ``mcp.paused`` setting in the icon, tooltip and menu."""
        self.status = replace(self.status, paused=paused)
        self._refresh()

    def set_engine_running(self, running: bool) -> None:
        """Reflect whether the engine is up."""
        self.status = replace(self.status, engine_running=running)
        self._refresh()

    def rebuild_menu(self) -> None:
        """Fill the menu from scratch with the current state."""
        self.menu.clear()
        entries: list[tuple[str, Callable[[], object]]] = [
            ("Orders…", self._actions.orders),
            ("Stores…", self._actions.stores),
            ("Activity…", self._actions.activity),
            ("Connect an AI client…", self._actions.connect_client),
            ("Settings…", self._actions.settings),
        ]
        if self._actions.inventory is not None:
            entries.insert(1, ("Inventory…", self._actions.inventory))
        for text, callback in entries:
            self.menu.addAction(text).triggered.connect(callback)
        self.menu.addSeparator()
        pause = QAction("Pause MCP", self.menu)
        pause.setCheckable(True)
        pause.setChecked(self.status.paused)
        pause.setToolTip("Refuse every write from AI clients until unchecked.")
        pause.toggled.connect(self._actions.set_paused)
        self.menu.addAction(pause)
        clients = self.status.clients_text()
        if clients:
            info = self.menu.addAction(f"Connected: {clients}")
            info.setEnabled(False)
        self.menu.addSeparator()
        self.menu.addAction("Quit").triggered.connect(self._actions.quit)

    def _on_event(self, event: Event) -> None:
        updated = self.status.apply(event)
        if self._sessions is not None and event.kind in CLIENT_EVENTS:
            updated = updated.with_sessions(self._sessions.live())
        if updated != self.status:
            self.status = updated
            self._refresh()

    def _refresh(self) -> None:
        self.icon.setIcon(paused_icon() if self.status.paused else app_icon())
        self.icon.setToolTip(self.status.tooltip())
        self.status_changed.emit(self.status)

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self._actions.orders()
