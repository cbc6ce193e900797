"""Single instance: the first tray listens on a local socket; a second launch asks it to show
itself and exits.

The socket lives in the data folder's runtime dir (:func:`app.core.paths.runtime_dir`), so two
data folders (a test and the user's real one) never see each other.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.core import paths

log = logging.getLogger(__name__)

SHOW_MESSAGE = b"show\n"
CONNECT_TIMEOUT_MS = 500


def instance_server_name() -> str:
    """Return the local-socket name of this data folder's tray."""
    folder = paths.runtime_dir()
    if sys.platform == "win32":
        return f"{folder.name}-tray"
    return str(folder / "tray.sock")


def ask_running_instance_to_show(name: str | None = None) -> bool:
    """Tell a running tray to show its window.

    Works before a QApplication exists (blocking socket calls only).

    Returns:
        True if another instance answered; the caller should then exit.
    """
    socket = QLocalSocket()
    socket.connectToServer(name or instance_server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(SHOW_MESSAGE)
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits :attr:`show_requested` when one asks.

    Args:
        name: Socket name; defaults to :func:`instance_server_name`.
    """

    show_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name or instance_server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Start listening, replacing a stale socket left by a crashed instance."""
        if self._server.listen(self._name):
            return True
        QLocalServer.removeServer(self._name)
        if self._server.listen(self._name):
            return True
        log.warning("single-instance socket unavailable: %s", self._server.errorString())
        return False

    def close(self) -> None:
        """Stop listening and remove the socket."""
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            connection = self._server.nextPendingConnection()
            connection.readyRead.connect(self._read)
            connection.disconnected.connect(connection.deleteLater)
            if connection.bytesAvailable():
                self._handle(connection)

    @Slot()
    def _read(self) -> None:
        connection = self.sender()
        if isinstance(connection, QLocalSocket):
            self._handle(connection)

    def _handle(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).strip() == SHOW_MESSAGE.strip():
            self.show_requested.emit()
