"""Is the other end of the local endpoint really this user's tray? The shim asks before its token.

Stdlib only: the shim imports this and counts milliseconds.

* **Unix socket.** The socket's folder must be private (this user's, mode 0700, no symlink:
  :func:`app.core.paths.verify_private_dir`) and the socket file this user's, checked before
  connecting. After connecting, the process at the other end must run as this user: Linux
  reports it with ``SO_PEERCRED``, macOS and the BSDs with ``LOCAL_PEERCRED``.
* **No peer credentials** (loopback TCP on Windows, or an OS without them): the server proves
  that it knows the secret kept in the 0600 endpoint file. The shim sends a fresh random nonce
  (``{"challenge": "<hex>"}``); the server answers ``{"proof": HMAC-SHA256(secret, nonce)}``.
  A server that cannot read the endpoint file cannot answer, and an old answer is useless
  against a new nonce.

Only after this passes does the shim send its hello with the client token.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import struct
import sys
from pathlib import Path

PROOF_CONTEXT = b"orderdesk-tray local endpoint proof v1\n"
NONCE_BYTES = 16
MAX_PROOF_LINE = 4096
_LINUX_UCRED = struct.Struct("iII")  # pid_t, uid_t, gid_t
_BSD_XUCRED_SIZE = 76  # u_int version, uid_t uid, short ngroups, gid_t groups[16]
_SOL_LOCAL, _LOCAL_PEERCRED = 0, 1


class PeerRefused(Exception):
    """The endpoint is not provably this user's tray; no token was sent. The message says why."""


def new_secret() -> str:
    """A fresh 256-bit endpoint secret, as hex (kept in the 0600 endpoint file)."""
    return os.urandom(32).hex()


def proof(secret: str, nonce: str) -> str:
    """The server's answer to ``nonce``: HMAC-SHA256 keyed with the endpoint secret, as hex."""
    import hmac  # only where peer credentials are missing: it costs the shim ~4 ms
    from hashlib import sha256

    return hmac.new(secret.encode(), PROOF_CONTEXT + nonce.encode(), sha256).hexdigest()


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end of a Unix socket; None where unknown."""
    if sock.family != getattr(socket, "AF_UNIX", None):
        return None
    if sys.platform.startswith("linux") and hasattr(socket, "SO_PEERCRED"):
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _LINUX_UCRED.size)
        return int(_LINUX_UCRED.unpack(raw)[1])
    if sys.platform == "darwin" or "bsd" in sys.platform:
        raw = sock.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, _BSD_XUCRED_SIZE)
        return int(struct.unpack_from("=II", raw)[1])
    return None


def check_socket_file(path: str) -> None:
    """Before connecting: the socket's folder is private and the socket is this user's.

    Raises:
        PeerRefused: The folder or the socket file fails a check.
        FileNotFoundError: The folder or the socket is gone (a stale endpoint file: no tray).
    """
    from app.core.paths import UnsafeFolderError, verify_private_dir

    socket_path = Path(path)
    try:
        verify_private_dir(socket_path.parent)
    except UnsafeFolderError as exc:
        if not os.path.lexists(socket_path.parent):
            raise FileNotFoundError(str(socket_path.parent)) from None
        raise PeerRefused(f"{exc.sentence} {exc.action} {_NOT_SENT}") from None
    info = os.lstat(socket_path)
    if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
        raise PeerRefused(
            f"The socket {path} is not a socket of this user (owner uid {info.st_uid}). "
            + _NOT_SENT
        )


def check_peer(sock: socket.socket, secret: str | None) -> None:
    """After connecting, before the hello: the peer runs as this user or proves the secret.

    Raises:
        PeerRefused: The peer is another user, gives a wrong proof, or can be checked by
            neither means.
        OSError: The connection failed meanwhile.
    """
    uid = peer_uid(sock)
    if uid is not None:
        if uid != os.getuid():
            raise PeerRefused(
                f"The process behind OrderDesk Tray's socket runs as another user (uid {uid}). "
                + _NOT_SENT
            )
        return
    if not secret:
        raise PeerRefused(
            "The endpoint file has no secret to check OrderDesk Tray with (an older version "
            "wrote it?). Restart OrderDesk Tray and try again. " + _NOT_SENT
        )
    nonce = os.urandom(NONCE_BYTES).hex()
    sock.sendall(json.dumps({"challenge": nonce}).encode() + b"\n")
    answer = _read_line(sock)
    try:
        given = json.loads(answer).get("proof")
    except (ValueError, AttributeError):
        given = None
    expected = proof(secret, nonce)
    import hmac

    if not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise PeerRefused(
            "The program listening at OrderDesk Tray's address could not prove it is the tray "
            "(it does not know the secret in the endpoint file). " + _NOT_SENT
        )


_NOT_SENT = "The client token was not sent."


def _read_line(sock: socket.socket) -> bytes:
    """One short line (the proof); the server sends nothing more until our hello."""
    buf = b""
    while not buf.endswith(b"\n"):
        try:
            chunk = sock.recv(MAX_PROOF_LINE)
        except TimeoutError:
            raise PeerRefused(
                "The program listening at OrderDesk Tray's address did not prove it is the tray "
                "in time. " + _NOT_SENT
            ) from None
        if not chunk or len(buf) > MAX_PROOF_LINE:
            raise PeerRefused("OrderDesk Tray closed the connection instead of proving itself.")
        buf += chunk
    return buf
