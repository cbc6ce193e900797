"""The shim checks its peer before it sends the token: private folder, same user, or a proof.

A "planted" server stands in for another user's program at the address the endpoint file
names. It counts what reaches it: a refused shim must exit 1 with a clear message and must have
sent it nothing (no hello, no token).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.mcp import shim
from app.mcp.transport import peer
from app.mcp.transport.endpoint_file import EndpointInfo, write_endpoint
from app.mcp.transport.local import LocalEndpoint
from app.mcp.transport.registry import SessionRegistry
from tests.mcp.transport.fake_server import authenticate, build_fake_server
from tests.processes import CLI

pytestmark = pytest.mark.skipif(os.name == "nt", reason="Unix sockets and POSIX owners")

SHIM = [*CLI, "--no-launch"]
TOKEN = "odt_alice"
NOBODY = 65534


class Planted:
    """A Unix or TCP listener that records every byte sent to it, in a thread."""

    def __init__(self, listener: socket.socket) -> None:
        self.listener = listener
        self.connections = 0
        self.received = b""
        self.reply = b""
        listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(5)
                try:
                    first = conn.recv(4096)
                    self.received += first
                    if first and self.reply:
                        conn.sendall(self.reply)
                    while chunk := conn.recv(4096):
                        self.received += chunk
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.listener.close()


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short temp folder (socket paths are limited to ~104 bytes), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="odt-t-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def plant_unix(folder: Path) -> tuple[Planted, str]:
    folder.mkdir(exist_ok=True)
    path = str(folder / "mcp.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen()
    return Planted(listener), path


def point_endpoint_file(home: Path, info: EndpointInfo) -> None:
    write_endpoint(info, home / "endpoint.json")


def run_shim(home: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(home), ORDERDESK_TRAY_TOKEN=TOKEN)
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    return subprocess.run(
        SHIM, input=json.dumps(init).encode() + b"\n", env=env, capture_output=True, timeout=30
    )


def unix_info(path: str, secret: str | None = None) -> EndpointInfo:
    return EndpointInfo("unix", os.getpid(), "0", path=path, secret=secret)


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o711])
def test_a_folder_open_to_others_is_refused_before_connecting(
    data_home: Path, short_tmp: Path, mode: int
) -> None:
    planted, path = plant_unix(short_tmp / "run")
    (short_tmp / "run").chmod(mode)
    point_endpoint_file(data_home, unix_info(path))
    try:
        done = run_shim(data_home)
    finally:
        planted.close()
    assert done.returncode == 1
    assert f"has mode {mode:04o} instead of 0700".encode() in done.stderr, done.stderr
    assert b"The client token was not sent." in done.stderr
    assert planted.connections == 0 and planted.received == b""
    assert done.stdout == b""


def test_a_symlinked_folder_is_refused(data_home: Path, short_tmp: Path) -> None:
    planted, _ = plant_unix(short_tmp / "real")
    (short_tmp / "real").chmod(0o700)
    (short_tmp / "link").symlink_to(short_tmp / "real")
    point_endpoint_file(data_home, unix_info(str(short_tmp / "link" / "mcp.sock")))
    try:
        done = run_shim(data_home)
    finally:
        planted.close()
    assert done.returncode == 1
    assert b"is a symbolic link" in done.stderr, done.stderr
    assert planted.connections == 0 and planted.received == b""


def test_a_folder_of_another_uid_is_refused(
    data_home: Path, short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted, path = plant_unix(short_tmp / "run")
    (short_tmp / "run").chmod(0o700)
    point_endpoint_file(data_home, unix_info(path))
    monkeypatch.setattr(os, "getuid", lambda: 4242)  # we are someone else than the owner
    try:
        with pytest.raises(peer.PeerRefused, match=r"belongs to another user \(uid \d+\)"):
            shim.try_connect(data_home / "endpoint.json")
    finally:
        planted.close()
    assert planted.connections == 0 and planted.received == b""


def test_a_peer_of_another_uid_gets_no_token(
    data_home: Path, short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted, path = plant_unix(short_tmp / "run")
    monkeypatch.setattr(shim, "check_socket_file", lambda path: None)  # only SO_PEERCRED left
    monkeypatch.setattr(os, "getuid", lambda: 4242)
    point_endpoint_file(data_home, unix_info(path))
    try:
        with pytest.raises(peer.PeerRefused, match=r"runs as another user \(uid \d+\)"):
            shim.try_connect(data_home / "endpoint.json")
    finally:
        planted.close()
    assert planted.connections == 1 and planted.received == b""


def test_peer_uid_of_our_own_socket_is_ours() -> None:
    one, two = socket.socketpair()
    with one, two:
        assert peer.peer_uid(one) == os.getuid()


FOREIGN_SERVER = """
import os, select, socket, sys, tempfile
folder = tempfile.mkdtemp(prefix="odt-foreign-")
path = os.path.join(folder, "mcp.sock")
listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(path)
os.chmod(path, 0o777)
listener.listen()
print(path, flush=True)
received = b""
while True:
    ready = select.select([listener, sys.stdin], [], [])[0]
    if sys.stdin in ready:
        break
    conn, _ = listener.accept()
    conn.settimeout(5)
    try:
        while chunk := conn.recv(4096):
            received += chunk
    except OSError:
        pass
    conn.close()
print(len(received), flush=True)
"""


@pytest.fixture
def foreign_server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A server run by another real user (``nobody``) in its own private folder."""
    if os.getuid() != 0 or not Path("/usr/bin/python3").exists():
        pytest.skip("needs root (to run a process as another user) and /usr/bin/python3")
    proc = subprocess.Popen(
        ["/usr/bin/python3", "-I", "-c", FOREIGN_SERVER],
        user=NOBODY, group=NOBODY, cwd="/", text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    path = proc.stdout.readline().strip()
    try:
        yield proc, path
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def _received(proc: subprocess.Popen[str]) -> int:
    out, _ = proc.communicate("stop\n", timeout=10)
    return int(out.strip())


def test_a_real_other_users_folder_is_refused(
    data_home: Path, foreign_server: tuple[subprocess.Popen[str], str]
) -> None:
    proc, path = foreign_server
    assert os.stat(Path(path).parent).st_uid == NOBODY
    point_endpoint_file(data_home, unix_info(path))
    done = run_shim(data_home)
    assert done.returncode == 1
    assert f"belongs to another user (uid {NOBODY})".encode() in done.stderr, done.stderr
    assert _received(proc) == 0


def test_a_real_other_users_process_behind_our_socket_gets_no_token(
    data_home: Path, short_tmp: Path, foreign_server: tuple[subprocess.Popen[str], str]
) -> None:
    """Folder and socket file pass (ours), but SO_PEERCRED names the other user."""
    proc, foreign_path = foreign_server
    ours = short_tmp / "run"
    ours.mkdir(mode=0o700)
    moved = ours / "mcp.sock"
    os.rename(foreign_path, moved)  # the listening socket follows its inode
    os.chown(moved, os.getuid(), os.getgid())
    point_endpoint_file(data_home, unix_info(str(moved)))
    done = run_shim(data_home)
    assert done.returncode == 1
    assert f"runs as another user (uid {NOBODY})".encode() in done.stderr, done.stderr
    assert _received(proc) == 0


async def test_tcp_server_proves_the_secret_and_the_shim_connects() -> None:
    endpoint = LocalEndpoint(build_fake_server(), authenticate, SessionRegistry(), transport="tcp")
    info = await endpoint.start()
    try:
        assert info.secret and len(info.secret) == 64
        sock = await asyncio.to_thread(shim.connect, info)
        with sock:
            rest = await asyncio.to_thread(shim.hello, sock, TOKEN, "tcp-test")
            assert rest == b""
    finally:
        await endpoint.stop()


@pytest.mark.parametrize("reply", [b'{"proof": "00"}\n', b"\n", b""])
def test_tcp_peer_without_the_proof_gets_no_token(reply: bytes) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    planted = Planted(listener)
    planted.reply = reply
    port = listener.getsockname()[1]
    info = EndpointInfo("tcp", 1, "0", host="127.0.0.1", port=port, secret=peer.new_secret())
    try:
        with pytest.raises(peer.PeerRefused, match=r"could not prove|instead of proving|in time"):
            shim.connect(info)
    finally:
        planted.close()
    assert b"challenge" in planted.received and TOKEN.encode() not in planted.received
    assert b"token" not in planted.received


def test_tcp_endpoint_without_a_secret_is_refused() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    planted = Planted(listener)
    info = EndpointInfo("tcp", 1, "0", host="127.0.0.1", port=listener.getsockname()[1])
    try:
        with pytest.raises(peer.PeerRefused, match="has no secret"):
            shim.connect(info)
    finally:
        planted.close()
    assert planted.received == b""


def test_the_secret_never_shows_in_the_repr() -> None:
    info = unix_info("/x/mcp.sock", secret="ab" * 32)
    assert "ab" * 32 not in repr(info) and "/x/mcp.sock" in repr(info)


async def test_the_server_binds_nothing_in_an_unsafe_runtime_folder(
    data_home: Path, short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import paths

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_tmp))
    folder = paths.runtime_dir()
    folder.chmod(0o755)  # as another user (or an old bug) might have left it
    endpoint = LocalEndpoint(build_fake_server(), authenticate, SessionRegistry())
    with pytest.raises(paths.UnsafeFolderError, match="instead of 0700"):
        await endpoint.start()
    assert list(folder.iterdir()) == []
    assert not (data_home / "endpoint.json").exists()
    assert not endpoint._lock.held
