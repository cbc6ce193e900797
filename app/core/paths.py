"""Where the app keeps its files.

The data folder comes from platformdirs and can be overridden with ``ORDERDESK_TRAY_HOME``
(tests, CI and portable installs rely on that). Everything the app writes lives below it,
except the local-endpoint socket, which needs a short path (see :func:`runtime_dir`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
    """A short, private folder for the local socket.

    Unix socket paths are limited to about 104 bytes, and ``ORDERDESK_TRAY_HOME`` can be a deep
    temp folder, so the socket lives in ``$XDG_RUNTIME_DIR`` (or the temp folder) under a name
    derived from the data folder: two data folders never share a socket.
    """
    import hashlib
    import tempfile

    digest = hashlib.sha256(str(data_home().resolve()).encode()).hexdigest()[:12]
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return ensure_private_dir(Path(base) / f"odt-{uid}-{digest}")
