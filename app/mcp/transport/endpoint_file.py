"""The endpoint file and its lock: where the local MCP endpoint listens, and who owns it.

Stdlib only: the shim reads this file at start-up and must stay light.

The endpoint file is JSON, mode 0600, replaced atomically::

    {"transport": "unix", "path": "/run/user/1000/odt-1000-ab12cd34ef56/mcp.sock",
     "pid": 4242, "version": "0.1.0", "protocol": 1, "secret": "<64 hex>"}
    {"transport": "tcp", "host": "127.0.0.1", "port": 51234, "pid": 4242, ...}

The secret lets the server prove itself to the shim where the OS reports no peer credentials
(see :mod:`app.mcp.transport.peer`); only this user can read the file.

A process that serves the endpoint holds an exclusive lock on ``endpoint.lock`` beside it for
its whole life. The OS drops the lock when the process dies, so a stale endpoint file left by a
crashed process is taken over, while a live one is never stolen.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import IO, Any, NamedTuple

PROTOCOL = 1
"""Version of the hello protocol on the local endpoint."""


class EndpointInfo(NamedTuple):
    """Where the local endpoint listens (a NamedTuple: ``dataclasses`` costs the shim ~10 ms).

    Attributes:
        transport: ``"unix"`` (a Unix domain socket) or ``"tcp"`` (loopback, on Windows).
        pid: Process id of the server.
        version: App version of the server.
        path: Socket path (unix only).
        host: Loopback address (tcp only).
        port: TCP port (tcp only).
        protocol: Hello protocol version.
        secret: The endpoint secret the server proves it knows (hex); never logged.
    """

    transport: str
    pid: int
    version: str
    path: str | None = None
    host: str | None = None
    port: int | None = None
    protocol: int = PROTOCOL
    secret: str | None = None

    def __repr__(self) -> str:
        """Like the default, without the secret."""
        shown = ", ".join(f"{k}={v!r}" for k, v in self._asdict().items() if k != "secret")
        return f"EndpointInfo({shown})"

    def to_json(self) -> str:
        """Serialize without the fields that do not apply to this transport."""
        data = {key: value for key, value in self._asdict().items() if value is not None}
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> EndpointInfo | None:
        """Build from parsed JSON; None if the data does not describe an endpoint."""
        transport, pid = data.get("transport"), data.get("pid")
        if not isinstance(pid, int) or not isinstance(data.get("version"), str):
            return None
        secret = data.get("secret") if isinstance(data.get("secret"), str) else None
        if transport == "unix" and isinstance(data.get("path"), str):
            return cls("unix", pid, data["version"], path=data["path"], secret=secret)
        port = data.get("port")
        if transport == "tcp" and isinstance(data.get("host"), str) and isinstance(port, int):
            return cls("tcp", pid, data["version"], host=data["host"], port=port, secret=secret)
        return None


def write_endpoint(info: EndpointInfo, path: Path) -> None:
    """Write ``info`` to ``path`` atomically with mode 0600."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(info.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_endpoint(path: Path) -> EndpointInfo | None:
    """Return the endpoint described in ``path``, or None if it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return EndpointInfo.from_mapping(data) if isinstance(data, dict) else None


def remove_endpoint(path: Path, pid: int | None = None) -> None:
    """Delete the endpoint file; with ``pid``, only if that process wrote it."""
    if pid is not None:
        info = read_endpoint(path)
        if info is not None and info.pid != pid:
            return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class EndpointBusy(RuntimeError):
    """Another live process serves the local endpoint of this data folder."""


class EndpointLock:
    """An exclusive, non-blocking lock on a file, held until :meth:`release` or process exit.

    Args:
        path: The lock file (created 0600 if missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            EndpointBusy: Another process holds it (its pid is in the message when known).
        """
        if self._handle is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        handle = os.fdopen(fd, "r+b")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise EndpointBusy(self._busy_message()) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._handle = handle

    def _busy_message(self) -> str:
        try:
            owner = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            owner = ""
        who = f" (pid {owner})" if owner.isdigit() else ""
        return (
            f"Another OrderDesk Tray{who} already serves AI clients for this data folder; "
            "quit it first or use a different ORDERDESK_TRAY_HOME."
        )

    def release(self) -> None:
        """Drop the lock (the file stays; it is reused by the next owner)."""
        handle, self._handle = self._handle, None
        if handle is not None:
            with contextlib.suppress(OSError):
                _unlock(handle)
            handle.close()


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
