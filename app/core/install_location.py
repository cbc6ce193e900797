"""Is the app running from a place it will still be found at tomorrow? (macOS)

A quarantined ``.app`` opened where it was downloaded is run by macOS from a random, read-only
copy (App Translocation: ``/private/var/folders/…/AppTranslocation/<uuid>/d/…``) that is gone
after a restart; an app opened straight from its disk image runs from ``/Volumes/…``, gone when
the image is ejected; one left in ``~/Downloads`` tends to be moved or deleted. A path of any of
these written into an AI client's config or a login item breaks later, silently. So those
writers ask :func:`location_problem` first and refuse with :func:`refusal` when it answers.

Only macOS app bundles are judged by ``/Volumes`` and Downloads: a virtual environment there is
a developer's choice. Translocation is always a problem. Other platforms have none of these.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePosixPath

from app import APP_NAME

TRANSLOCATION_PART = "AppTranslocation"
APP_BUNDLE_MARK = ".app/Contents/"


def location_problem(
    path: str | os.PathLike[str], platform: str | None = None, home: Path | None = None
) -> str | None:
    """Why ``path`` (an executable to be written somewhere) is a temporary place, or None.

    Args:
        path: The executable that a config entry or login item would launch.
        platform: A ``sys.platform`` value (default: this one).
        home: The user's home folder (default: ``Path.home()``).

    Returns:
        A clause for a sentence ("macOS runs it from a temporary copy …"), or None when the
        path is fine.
    """
    if (platform or sys.platform) != "darwin":
        return None
    text = os.fspath(path)
    parts = PurePosixPath(text).parts
    if TRANSLOCATION_PART in parts:
        return "macOS runs it from a temporary copy (App Translocation) that disappears"
    if APP_BUNDLE_MARK not in text:
        return None
    if parts[:2] == ("/", "Volumes"):
        return "it runs from a disk image or another volume, which can be ejected"
    downloads = PurePosixPath(home or Path.home()) / "Downloads"
    if PurePosixPath(text).is_relative_to(downloads):
        return "it runs from your Downloads folder"
    return None


def refusal(what: str, problem: str) -> str:
    """The sentence that refuses to write ``what`` because of ``problem``, with what to do."""
    return (
        f"{APP_NAME} did not write {what}: {problem}, so the path would stop working. "
        f"Move {APP_NAME} to your Applications folder, open it from there, and try again."
    )
