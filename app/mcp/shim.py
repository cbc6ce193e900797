"""The stdio shim AI clients launch: a byte pump between stdin/stdout and the local endpoint.

Stdlib only (plus the tiny path helpers), so it connects in tens of milliseconds: no mcp,
pydantic, httpx or Qt. It reads the endpoint file, connects, sends one hello line with
``$ORDERDESK_TRAY_TOKEN`` and the client's name (only once the peer is proven to be this
user's tray, see :mod:`app.mcp.transport.peer`), checks the server's answer, then copies bytes
both ways until either side closes. If no tray runs it starts one (``--launch``) or says so on
stderr and exits 1 (``--no-launch``); it never hangs waiting.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from app.mcp.transport.endpoint_file import EndpointInfo, read_endpoint
from app.mcp.transport.peer import PeerRefused, check_peer, check_socket_file

HOME_ENV = "ORDERDESK_TRAY_HOME"
ENDPOINT_FILE_NAME = "endpoint.json"
TOKEN_ENV = "ORDERDESK_TRAY_TOKEN"  # noqa: S105 - the variable's name
LAUNCH_TIMEOUT = 10.0
CONNECT_TIMEOUT = 2.0
CHUNK = 1 << 16
NOT_RUNNING = (
    "OrderDesk Tray is not running, so there is no MCP server to connect to. Start the tray "
    "(or `orderdesk-mcp serve --listen`) and try again, or let this command start it with "
    "`orderdesk-mcp --launch`."
)


class ShimError(Exception):
    """A failure the user can act on; the message goes to stderr and the exit code is 1."""


def _say(message: str) -> None:
    sys.stderr.write(f"orderdesk-mcp: {message}\n")
    sys.stderr.flush()


def connect(info: EndpointInfo) -> socket.socket:
    """Open a connection to the endpoint and check that this user's tray is at the other end.

    Raises:
        OSError: Nothing listens there.
        PeerRefused: Something listens, but it is not provably this user's tray (see
            :mod:`app.mcp.transport.peer`); nothing was sent to it.
    """
    if info.transport == "unix" and info.path and hasattr(socket, "AF_UNIX"):
        check_socket_file(info.path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(info.path)
        except OSError:
            sock.close()
            raise
    elif info.transport == "tcp" and info.host and info.port:
        sock = socket.create_connection((info.host, info.port), timeout=CONNECT_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    else:
        raise OSError(f"unsupported endpoint transport {info.transport!r}")
    try:
        check_peer(sock, info.secret)  # still under CONNECT_TIMEOUT: a silent peer cannot hang us
    except BaseException:
        sock.close()
        raise
    sock.settimeout(None)
    return sock


def endpoint_path() -> Path:
    """The endpoint file, as :func:`app.core.paths.endpoint_file` names it.

    With ``ORDERDESK_TRAY_HOME`` set the path follows directly, which spares the start-up the
    import of platformdirs, tempfile and hashlib (about 15 ms); a test keeps both in step.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / ENDPOINT_FILE_NAME
    from app.core import paths

    return paths.endpoint_file()


def try_connect(endpoint_path: Path) -> socket.socket | None:
    """Connect to the endpoint named in ``endpoint_path``; None if there is none or it is dead.

    Raises:
        PeerRefused: An endpoint is there but fails the same-user check.
    """
    info = read_endpoint(endpoint_path)
    if info is None:
        return None
    try:
        return connect(info)
    except OSError:
        return None


def find_tray() -> str | None:
    """The ``orderdesk-tray`` executable next to this Python, or on PATH."""
    names = ("orderdesk-tray.exe", "orderdesk-tray") if os.name == "nt" else ("orderdesk-tray",)
    for folder in (Path(sys.executable).parent, Path(sys.argv[0]).resolve().parent):
        for name in names:
            candidate = folder / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    import shutil  # only on this path: it costs the shim's start-up ~10 ms

    return shutil.which("orderdesk-tray")


def launch_tray(executable: str) -> Callable[[], int | None]:
    """Start the tray detached from this process (it outlives the shim).

    Returns:
        A poll function: the tray's exit code once it has ended, else None.
    """
    import subprocess

    quiet = subprocess.DEVNULL
    if sys.platform == "win32":
        flags = subprocess.DETACHED_PROCESS | subprocess.CREATE_NEW_PROCESS_GROUP
        process = subprocess.Popen(
            [executable], stdin=quiet, stdout=quiet, stderr=quiet, creationflags=flags
        )
    else:
        process = subprocess.Popen(
            [executable], stdin=quiet, stdout=quiet, stderr=quiet, start_new_session=True
        )
    return process.poll


def wait_for_endpoint(
    endpoint_path: Path,
    timeout: float | None = None,
    exited: Callable[[], int | None] = lambda: None,
) -> socket.socket:
    """Poll until the endpoint accepts a connection, or raise :class:`ShimError`.

    ``exited`` tells whether the launched tray has already ended: a failed start (non-zero
    exit) is reported at once instead of after the whole timeout. Exit code 0 means it handed
    over to a tray that was already starting, so the wait goes on.
    """
    timeout = LAUNCH_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock = try_connect(endpoint_path)
        if sock is not None:
            return sock
        code = exited()
        if code:
            raise ShimError(
                f"OrderDesk Tray could not start (exit code {code}). Its log is in the data "
                "folder; start it by hand to see the message."
            )
        time.sleep(0.1)
    raise ShimError(
        f"OrderDesk Tray was started but did not open its MCP endpoint within {timeout:.0f} s. "
        "Check that it runs (its log is in the data folder), then try again."
    )


def open_connection(launch: bool, endpoint_path: Path) -> socket.socket:
    """Connect to a running tray, or start one when ``launch`` is set."""
    sock = try_connect(endpoint_path)
    if sock is not None:
        return sock
    if not launch:
        raise ShimError(NOT_RUNNING)
    executable = find_tray()
    if executable is None:
        raise ShimError(
            "OrderDesk Tray is not running and `orderdesk-tray` was not found next to this "
            "program or on PATH. Install or start it, then try again."
        )
    try:
        exited = launch_tray(executable)
    except OSError as exc:
        raise ShimError(f"Could not start OrderDesk Tray ({exc.strerror or exc}).") from None
    return wait_for_endpoint(endpoint_path, exited=exited)


def client_name() -> str:
    """A display name for the client that launched us (its process name where we can tell)."""
    try:
        return Path(f"/proc/{os.getppid()}/comm").read_text(encoding="utf-8").strip()[:100]
    except OSError:
        return "orderdesk-mcp"


def hello(sock: socket.socket, token: str | None, name: str) -> bytes:
    """Send the hello, read the answer; return bytes that arrived after it.

    Raises:
        ShimError: The server refused the hello (its reason is in the message).
    """
    sock.sendall(json.dumps({"token": token, "client": name}).encode() + b"\n")
    buf = b""
    while b"\n" not in buf:
        chunk = sock.recv(CHUNK)
        if not chunk:
            raise ShimError("OrderDesk Tray closed the connection before answering the hello.")
        buf += chunk
    line, rest = buf.split(b"\n", 1)
    try:
        answer = json.loads(line)
    except ValueError:
        raise ShimError("OrderDesk Tray answered the hello with something unreadable.") from None
    if not isinstance(answer, dict) or answer.get("hello") != "ok":
        reason = answer.get("message") if isinstance(answer, dict) else None
        raise ShimError(str(reason or "OrderDesk Tray refused the connection."))
    return rest


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _pump_stdin(sock: socket.socket, stdin_closed: threading.Event) -> None:
    with contextlib.suppress(OSError):
        while chunk := os.read(0, CHUNK):
            sock.sendall(chunk)
    stdin_closed.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)


def pump(sock: socket.socket, pending: bytes) -> int:
    """Copy stdin to the socket and the socket to stdout until the server closes.

    Returns:
        0 when the client ended the session (stdin closed), 1 when the server did.
    """
    stdin_closed = threading.Event()
    threading.Thread(target=_pump_stdin, args=(sock, stdin_closed), daemon=True).start()
    with contextlib.suppress(OSError):
        if pending:
            _write_all(1, pending)
        while chunk := sock.recv(CHUNK):
            _write_all(1, chunk)
    if stdin_closed.is_set():
        return 0
    _say("OrderDesk Tray ended the session (it quit, or this client's token was revoked).")
    return 1


def _binary_stdio() -> None:
    if sys.platform == "win32":
        import msvcrt

        for fd in (0, 1):
            msvcrt.setmode(fd, os.O_BINARY)


def run_shim(launch: bool) -> int:
    """Run the shim; returns the exit code (1 with a message on stderr when it cannot serve).

    Args:
        launch: Start the tray when none runs (``--launch``), else fail at once.
    """
    try:
        sock = open_connection(launch, endpoint_path())
        with sock:
            pending = hello(sock, os.environ.get(TOKEN_ENV) or None, client_name())
            _binary_stdio()
            return pump(sock, pending)
    except (ShimError, PeerRefused) as exc:
        _say(str(exc))
        return 1
    except OSError as exc:
        _say(f"Lost the connection to OrderDesk Tray ({exc.strerror or exc}).")
        return 1
    except KeyboardInterrupt:
        return 1
