"""Single instance: the first tray listens on a local socket; a second launch asks it to show
itself and exits, and ``orderdesk-tray --quit`` asks it to quit and waits until it has stopped.

The socket lives in the data folder's runtime dir (:func:`app.core.paths.runtime_dir`), so two
data folders (a test and the user's real one) never see each other. On Windows the tray also
holds a named mutex (:data:`APP_MUTEX_NAMES`) for as long as it runs: the installer's
``AppMutex`` names it, so Setup and Uninstall know when a tray is still running.

``--quit`` knows the tray has stopped when the connection it asked on closes and the process
id the tray answered with has ended: the tray keeps that connection open, outside Qt's object
tree, until its interpreter shuts down (after the engine, the MCP host and the database are
closed); the last moments of the process are waited for by its id.
"""

from __future__ import annotations

import ctypes
import enum
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import APP_NAME
from app.core import paths

log = logging.getLogger(__name__)

SHOW_MESSAGE = b"show\n"
QUIT_MESSAGE = b"quit\n"
QUITTING_REPLY = b"quitting"
"""The tray's answer to ``quit``, followed by its process id."""
CONNECT_TIMEOUT_MS = 500
QUIT_WAIT_S = 15.0
"""How long ``--quit`` waits for the tray to stop (it stops in about 2 s)."""
APP_MUTEX_NAMES = ("OrderDeskTray.Running", "Global\\OrderDeskTray.Running")
"""Named mutexes a running tray holds on Windows; ``installer.iss`` lists them in ``AppMutex``."""

_held: list[Any] = []
"""Things kept until the process ends: the mutex handles and the connections of ``--quit``."""


class QuitOutcome(enum.Enum):
    """What :func:`ask_running_instance_to_quit` found."""

    NOT_RUNNING = "no tray was running"
    STOPPED = "the tray quit"
    STILL_RUNNING = "the tray did not stop in time"


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


def ask_running_instance_to_quit(
    name: str | None = None, timeout: float = QUIT_WAIT_S
) -> QuitOutcome:
    """Ask a running tray to quit, and wait until its process has stopped.

    Works before a QApplication exists (blocking socket calls only).

    Args:
        name: Socket name; defaults to :func:`instance_server_name`.
        timeout: Seconds to wait for the tray to stop.
    """
    socket = QLocalSocket()
    socket.connectToServer(name or instance_server_name())
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return QuitOutcome.NOT_RUNNING
    socket.write(QUIT_MESSAGE)
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    deadline = time.monotonic() + timeout
    reply = b""
    while socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        if time.monotonic() >= deadline:
            socket.abort()
            return QuitOutcome.STILL_RUNNING
        if socket.waitForReadyRead(250):
            reply += bytes(socket.readAll().data())
    pid = _pid_of(reply)  # the connection closes as the process ends; wait for the very end
    while pid is not None and process_alive(pid):
        if time.monotonic() >= deadline:
            return QuitOutcome.STILL_RUNNING
        time.sleep(0.05)
    return QuitOutcome.STOPPED


def _pid_of(reply: bytes) -> int | None:
    words = reply.split()
    if len(words) == 2 and words[0] == QUITTING_REPLY and words[1].isdigit():
        return int(words[1])
    return None


def process_alive(pid: int, platform: str = sys.platform) -> bool:
    """True while process ``pid`` has not ended (a zombie counts as ended)."""
    if platform == "win32":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
        handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
        if not handle:
            return False
        try:
            return bool(kernel32.WaitForSingleObject(handle, 0) == 0x102)  # WAIT_TIMEOUT
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return True  # no /proc (macOS): alive as far as we can tell
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def quit_command() -> int:
    """``orderdesk-tray --quit``: close this data folder's tray cleanly; the exit code.

    0 when the tray stopped or none was running, 1 when it is still running after
    :data:`QUIT_WAIT_S` (the installer then ends it by force).
    """
    outcome = ask_running_instance_to_quit()
    if outcome is QuitOutcome.STILL_RUNNING:
        print(
            f"{APP_NAME} was asked to quit but is still running after {QUIT_WAIT_S:.0f} s. "
            "Quit it from its tray menu, or end it in the task manager.",
            file=sys.stderr,
        )
        return 1
    print(f"{APP_NAME}: {outcome.value}.", file=sys.stderr)
    return 0


def hold_app_mutex(platform: str = sys.platform, kernel32: Any = None) -> list[int]:
    """On Windows, create the named mutexes the installer checks; keep them until exit.

    Elsewhere nothing is needed: the local socket is the single-instance guard.

    Args:
        platform: A ``sys.platform`` value.
        kernel32: ``ctypes.windll.kernel32`` or a stand-in (tests).

    Returns:
        The handles created (empty off Windows, or when creation failed).
    """
    if platform != "win32":
        return []
    api = kernel32 if kernel32 is not None else ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    handles = []
    for mutex_name in APP_MUTEX_NAMES:
        handle = api.CreateMutexW(None, False, mutex_name)
        if handle:
            handles.append(int(handle))
        else:
            log.warning("could not create the mutex %s", mutex_name)
    _held.extend(handles)
    return handles


class InstanceServer(QObject):
    """Listens for later launches; emits :attr:`show_requested` or :attr:`quit_requested`.

    Args:
        name: Socket name; defaults to :func:`instance_server_name`.
    """

    show_requested = Signal()
    quit_requested = Signal()

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
        message = bytes(connection.readAll().data()).strip()
        if message == SHOW_MESSAGE.strip():
            self.show_requested.emit()
        elif message == QUIT_MESSAGE.strip():
            log.info("asked to quit by another process")
            connection.write(QUITTING_REPLY + f" {os.getpid()}\n".encode())
            connection.flush()
            connection.setParent(None)  # survives the server: the OS closes it when we exit
            _held.append(connection)
            self.quit_requested.emit()
