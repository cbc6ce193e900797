"""The Qt side of start-up: QApplication, the qasync loop, the tray, and the windows it opens.

:mod:`app.__main__` calls, in order, :func:`create_qt_app`, :func:`install_loop`, then builds a
:class:`TrayApplication` and runs :func:`run_until_quit`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

import qasync
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget

from app import APP_ID, APP_NAME, __version__
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from app.gui.icons import app_icon
from app.gui.tasks import TaskGroup
from app.gui.theme import follow_color_scheme
from app.gui.tray import Tray, TrayActions
from app.gui.window_state import WindowPlacement

log = logging.getLogger(__name__)
SIGNAL_WAKE_MS = 250


def create_qt_app(argv: Sequence[str] | None = None) -> QApplication:
    """Create (or reuse) the QApplication with the app's name and icon."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv or [APP_ID]))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    follow_color_scheme(app)
    return app


def install_loop(app: QApplication) -> qasync.QEventLoop:
    """Make a qasync loop on ``app`` the current asyncio loop of the GUI thread."""
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    return loop


def quit_on_signals(app: QApplication, quit_app: Callable[[], None]) -> None:
    """Quit cleanly on SIGINT/SIGTERM (Ctrl+C, ``kill``, a session logout).

    Python runs signal handlers only between bytecodes, so a light timer wakes it regularly.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: QTimer.singleShot(0, quit_app))
    wake = QTimer(app)
    wake.setObjectName("signal-wake")
    wake.timeout.connect(lambda: None)
    wake.start(SIGNAL_WAKE_MS)


def run_until_quit(loop: qasync.QEventLoop) -> int:
    """Run Qt and asyncio together until the app quits; close the loop; return the exit code."""
    try:
        code = loop.run_forever()
    finally:
        _finish_pending(loop)
        loop.close()
        asyncio.set_event_loop(None)
    return int(code or 0)


def _finish_pending(loop: qasync.QEventLoop) -> None:
    """Cancel what is still running on the GUI loop and let it unwind before the loop closes.

    A window still loading when Quit comes would otherwise be destroyed mid-await ("Task was
    destroyed but it is pending") without running its clean-up.
    """
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


class TrayApplication(QObject):
    """The running GUI: tray icon (or main window without a tray) and lazily built windows.

    Args:
        ctx: The services (through the engine proxy), the hub and the AI sessions.
        tray_available: Override the system-tray check (tests); None asks Qt.
    """

    quitting = Signal()

    def __init__(self, ctx: GuiContext, tray_available: bool | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.bridge = HubBridge(ctx.hub, self)
        if tray_available is None:
            tray_available = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: Tray | None = None
        if tray_available:
            self.tray = Tray(self.bridge, self._tray_actions(), self, sessions=ctx.sessions)
        self._windows: dict[str, QWidget] = {}
        self._approvals: Any = None
        self._closed = False

    def _tray_actions(self) -> TrayActions:
        return TrayActions(
            orders=self.show_orders,
            stores=self.show_stores,
            activity=self.show_activity,
            connect_client=self.show_connect_client,
            settings=self.show_settings,
            set_paused=self.set_paused,
            quit=self.quit,
            inventory=self.show_inventory,
        )

    def start(self) -> None:
        """Show the tray icon, or the order browser when there is no tray; then check first run."""
        if self.tray is not None:
            self.tray.show()
        else:
            log.info("no system tray available: opening the order browser")
            self.show_orders()
        self._attach_approvals()
        self.tasks.start(self._load_state())

    async def _load_state(self) -> None:
        paused = await self.ctx.services.settings.get("mcp.paused")
        if self.tray is not None:
            self.tray.set_paused(bool(paused))
        stores = await self.ctx.services.stores.list()
        if not stores:
            self.show_stores(first_run=True)

    def _attach_approvals(self) -> None:
        from app.gui.approvals import ApprovalPrompter

        self._approvals = ApprovalPrompter(self.ctx, self.bridge, self)

    # -- windows ---------------------------------------------------------------------------

    def _window(self, key: str, build: Callable[[], QWidget]) -> QWidget:
        window = self._windows.get(key)
        if window is None:
            window = build()
            self._windows[key] = window
            if window.findChild(WindowPlacement) is None:
                WindowPlacement(window, key)  # fits the screen, comes back where it was
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_orders(self) -> QWidget:
        """Open (or raise) the order browser."""
        from app.gui.orders.window import OrdersWindow

        def build() -> QWidget:
            window = OrdersWindow(self.ctx, self.bridge, quit_on_close=self.tray is None)
            window.closed_for_good.connect(self.quit)
            window.manage_stores.connect(self.show_stores)
            window.inventory_requested.connect(self.show_inventory)
            return window

        return self._window("orders", build)

    def show_inventory(self, store_key: str | None = None) -> QWidget:
        """Open (or raise) the inventory window, on ``store_key`` when given."""
        from app.gui.inventory import InventoryWindow

        window = self._window("inventory", lambda: InventoryWindow(self.ctx, self.bridge))
        if store_key:
            window.show_store(store_key)  # type: ignore[attr-defined]
        return window

    def show_stores(self, first_run: bool = False) -> QWidget:
        """Open (or raise) the store manager."""
        from app.gui.stores.dialog import StoreManagerDialog

        dialog = self._window("stores", lambda: StoreManagerDialog(self.ctx, self.bridge))
        if first_run:
            dialog.show_first_run()  # type: ignore[attr-defined]
        return dialog

    def show_activity(self) -> QWidget:
        """Open (or raise) the activity window."""
        from app.gui.activity import ActivityWindow

        return self._window("activity", lambda: ActivityWindow(self.ctx, self.bridge))

    def show_connect_client(self) -> QWidget:
        """Open (or raise) the "Connect an AI client" dialog."""
        from app.gui.clients import ConnectClientDialog

        return self._window("clients", lambda: ConnectClientDialog(self.ctx, self.bridge))

    def show_settings(self) -> QWidget:
        """Open (or raise) the settings dialog."""
        from app.gui.settings_dialog import SettingsDialog

        return self._window("settings", lambda: SettingsDialog(self.ctx))

    def window(self, key: str) -> QWidget | None:
        """Return an already built window by key (``orders``, ``stores``...)."""
        return self._windows.get(key)

    # -- actions ---------------------------------------------------------------------------

    def set_paused(self, paused: bool) -> None:
        """Pause or resume AI writes (setting ``mcp.paused``)."""
        self.tasks.start(self._store_paused(paused))

    async def _store_paused(self, paused: bool) -> None:
        await self.ctx.services.settings.set("mcp.paused", paused)
        if self.tray is not None:
            self.tray.set_paused(paused)
        log.info("MCP writes %s by the user", "paused" if paused else "resumed")

    def show_error(self, text: str) -> None:
        """Tell the user about an expected problem."""
        QMessageBox.warning(None, APP_NAME, text)

    def quit(self) -> None:
        """Close every window and leave the Qt loop; :mod:`app.__main__` stops the rest."""
        self.quitting.emit()
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def close(self) -> None:
        """Cancel work, close windows, hide the tray and stop listening to the hub."""
        if self._closed:
            return
        self._closed = True
        self.tasks.cancel_all()
        windows, self._windows = list(self._windows.values()), {}
        for window in windows:
            closer = getattr(window, "shutdown", None)
            if callable(closer):
                closer()
            window.close()
            window.deleteLater()
        if self._approvals is not None:
            self._approvals.close()
            self._approvals = None
        if self.tray is not None:
            self.tray.hide()
        self.bridge.close()
