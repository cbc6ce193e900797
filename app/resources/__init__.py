"""Files shipped with the code (the app icons), found the same way however the app runs.

They are package data of ``app.resources`` (this folder): a source checkout, an editable
install, a wheel (``[tool.setuptools.package-data]`` in pyproject.toml) and the PyInstaller
bundle (the spec copies them to ``_internal/app/resources``, where PyInstaller points this
module's ``__file__``) all find them next to this file.
This module is stdlib-only so that any layer (and the shim) may use it.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

ICON_PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# Every icon file under icons/: the SVG master, its PNG renderings, the Windows and macOS icons.
ICON_FILES = (
    "orderdesk-tray.svg",
    *(f"orderdesk-tray-{size}.png" for size in ICON_PNG_SIZES),
    "orderdesk-tray.ico",
    "orderdesk-tray.icns",
)


class ResourceNotFound(FileNotFoundError):
    """A resource the app expects is missing from this installation."""


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resource_root() -> Path:
    """The folder holding the shipped files: this package's folder, in every kind of install."""
    return Path(__file__).absolute().parent


def resource_path(name: str) -> Path:
    """Return the path of a shipped file, e.g. ``resource_path("icons/orderdesk-tray.svg")``.

    Args:
        name: A relative, forward-slash path inside ``app/resources/``.

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
