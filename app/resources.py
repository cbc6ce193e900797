"""Files shipped beside the code (icons, the desktop file), found the same way frozen or not.

In a PyInstaller bundle they live under ``sys._MEIPASS/resources`` (the spec copies the repo's
``resources/`` there); from a source checkout they are the repo's ``resources/`` folder.
This module is stdlib-only so that any layer (and the shim) may use it.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath


class ResourceNotFound(FileNotFoundError):
    """A resource the app expects is missing from this installation."""


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """The ``resources`` folder of this installation (bundle or source checkout)."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(name: str) -> Path:
    """Return the path of a shipped file, e.g. ``resource_path("icons/orderdesk-tray.svg")``.

    Args:
        name: A relative, forward-slash path inside ``resources/``.

    Returns:
        The absolute path of the file.

    Raises:
        ValueError: ``name`` is absolute or climbs out of ``resources/``.
        ResourceNotFound: The file is not part of this installation.
    """
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise ValueError(f"resource names are relative paths inside resources/, not {name!r}")
    path = resource_root().joinpath(*relative.parts)
    if not path.exists():
        raise ResourceNotFound(
            f"{name} is missing from this installation ({path}); reinstall OrderDesk Tray."
        )
    return path
