"""Where the app keeps its files.

The data folder comes from platformdirs and can be overridden with ``ORDERDESK_TRAY_HOME``
(tests, CI and portable installs rely on that). Everything the app writes lives below it,
except the local-endpoint socket, which needs a short path (see :func:`runtime_dir`).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from app.core.errors import ExpectedError

APP_DIR_NAME = "orderdesk-tray"
HOME_ENV = "ORDERDESK_TRAY_HOME"


def data_home() -> Path:
    """Return the data folder, created with user-only permissions."""
    override = os.environ.get(HOME_ENV)
    if override:
        return ensure_private_dir(Path(override))
    import platformdirs  # lazily: the stdio shim imports this module and counts milliseconds

    return ensure_private_dir(Path(platformdirs.user_data_dir(APP_DIR_NAME, False)))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True)
    if sys.platform != "win32":
        path.chmod(0o700)
    return path


def db_path() -> Path:
    """SQLite database file."""
    return data_home() / "orderdesk-tray.db"


def log_dir() -> Path:
    """Folder of the rotating log files."""
    return ensure_private_dir(data_home() / "logs")


def vault_path() -> Path:
    """Encrypted secret vault used when no OS keychain is available."""
    return data_home() / "vault.json"


def endpoint_file() -> Path:
    """JSON file that tells the shim where the local endpoint listens."""
    return data_home() / "endpoint.json"


def index_dir() -> Path:
    """Folder of the per-store local order indexes."""
    return ensure_private_dir(data_home() / "index")


def runtime_dir() -> Path:
    """A short, private folder for the local sockets, verified on every call.

    Unix socket paths are limited to about 104 bytes, and ``ORDERDESK_TRAY_HOME`` can be a deep
    temp folder, so the sockets live in ``$XDG_RUNTIME_DIR`` (or the temp folder) under a name
    derived from the data folder: two data folders never share a socket. The name is
    predictable (a second launch must find the first), so it is never taken on trust: it is
    created 0700 and then checked with :func:`verify_private_dir`.

    Raises:
        UnsafeFolderError: The folder exists but another user owns it, it is a symlink, or
            other users can open it.
    """
    import hashlib
    import tempfile

    digest = hashlib.sha256(str(data_home().resolve()).encode()).hexdigest()[:12]
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    path = Path(base) / f"odt-{uid}-{digest}"
    Path(base).mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass  # maybe ours from before, maybe planted: checked below either way
    else:
        os.chmod(path, 0o700)  # exactly 0700 whatever the umask
    return verify_private_dir(path)


class UnsafeFolderError(ExpectedError, PermissionError):
    """A folder that should be private to this user is not; nothing was put in it.

    Its ``sentence`` says what is wrong, its ``action`` what to do about it.
    """

    def __init__(self, path: Path, problem: str) -> None:
        """Describe ``path`` and what makes it unsafe (``problem``, e.g. "is a symbolic link")."""
        super().__init__(
            f"The private folder {path} {problem}, so it is not safe to use.",
            "Another user may be trying to intercept OrderDesk Tray's connections: check who "
            "created it, remove it, and start OrderDesk Tray again.",
        )


def verify_private_dir(path: Path) -> Path:
    """Check that ``path`` is a real folder (no symlink) owned by this user with mode 0700.

    Uses ``lstat`` so a symlink is never followed. On Windows (no POSIX owner or mode) the
    path is returned unchecked: the local endpoint there is loopback TCP with a proof instead.

    Raises:
        UnsafeFolderError: It is missing, a symlink or not a folder, owned by another user, or
            open to group or others.
    """
    if sys.platform == "win32":
        return path
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise UnsafeFolderError(path, "does not exist") from None
    if stat.S_ISLNK(info.st_mode):
        raise UnsafeFolderError(path, "is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeFolderError(path, "is not a folder")
    if info.st_uid != os.getuid():
        raise UnsafeFolderError(path, f"belongs to another user (uid {info.st_uid})")
    mode = stat.S_IMODE(info.st_mode)
    if mode != 0o700:
        raise UnsafeFolderError(path, f"has mode {mode:04o} instead of 0700")
    return path
