"""Helpers for ``orderdesk-tray.spec``: keep the bundle lean, record the glibc it needs (Linux),
stamp the Windows version."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

# Qt pieces the app never loads (it is a widgets app: no QML, PDF, 3D, multimedia, SQL).
UNUSED_QT = (
    "PySide6/Qt/translations/*",
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",
    "PySide6/Qt/plugins/networkinformation/*",
    "PySide6/Qt/plugins/tls/*",
    "PySide6/Qt/plugins/sqldrivers/*",
    "PySide6/Qt/plugins/qmltooling/*",
    "PySide6/Qt/plugins/platformthemes/*gtk3*",  # drags in all of GTK 3; the portal theme stays
    "PySide6/Qt/plugins/platforms/*qvnc*",
    "PySide6/Qt/plugins/platforms/*qlinuxfb*",
    "PySide6/Qt/plugins/platforms/*qeglfs*",
    "PySide6/Qt/plugins/platforms/*qminimalegl*",
    "PySide6/Qt/plugins/platforms/*qvkkhrdisplay*",
    "PySide6/Qt/plugins/imageformats/*qtga*",
    "PySide6/Qt/plugins/imageformats/*qtiff*",
    "PySide6/Qt/plugins/imageformats/*qwbmp*",
    "PySide6/Qt/plugins/imageformats/*qwebp*",
    "PySide6/Qt/plugins/imageformats/*qpdf*",
    "PySide6/Qt/lib/libQt6EglFS*",
    "PySide6/Qt/lib/libQt6EglFs*",
    "PySide6/Qt/lib/libQt6Quick*",
    "PySide6/Qt/lib/libQt6Qml*",
    "PySide6/Qt/lib/libQt6Pdf*",
    "PySide6/Qt/lib/libQt6VirtualKeyboard*",
    "PySide6/Qt6Quick*.dll",
    "PySide6/Qt6Qml*.dll",
    "PySide6/Qt6Pdf*.dll",
    "PySide6/Qt6VirtualKeyboard*.dll",
    "PySide6/opengl32sw.dll",
)


# System libraries a kept plugin loads that must come from the user's system, not the bundle:
# the print plugin's CUPS client follows the system's print setup (and pulls in GnuTLS,
# Avahi, Kerberos...). Without libcups2 installed, Qt skips the plugin and offers PDF only.
SYSTEM_ONLY = ("libcups.so*",)


def is_system_only(dest: str) -> bool:
    """True for a library the bundle must leave to the system (see :data:`SYSTEM_ONLY`)."""
    name = PurePosixPath(dest.replace("\\", "/")).name
    return any(fnmatch(name, pattern) for pattern in SYSTEM_ONLY)


def is_unused(dest: str) -> bool:
    """True when a bundle entry (its destination path) is a Qt piece the app never loads."""
    path = PurePosixPath(dest.replace("\\", "/")).as_posix()
    return any(fnmatch(path, pattern) for pattern in UNUSED_QT)


def lean_toc(toc: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Drop unused Qt entries, system-only libraries and duplicates (the two executables share
    one ``_internal``)."""
    seen: set[str] = set()
    kept = []
    for entry in toc:
        dest = entry[0]
        if is_unused(dest) or is_system_only(dest) or dest in seen:
            continue
        seen.add(dest)
        kept.append(entry)
    return kept


# Kinds of bundle entries that are loaded code and so pull in shared libraries. Python's own
# extension modules (``_sqlite3``, ``_ssl``, ``_hashlib``, ``_bz2``, ``_uuid``, ...) are
# EXTENSION, not BINARY: their libraries must count as needed too (issue 10.4).
LINKING_KINDS = frozenset({"BINARY", "EXTENSION"})

Imports = Callable[[str], Iterable[tuple[str, str | None]]]


def is_top_level_lib(dest: str) -> bool:
    """A system library PyInstaller copied to the top of ``_internal`` (not libpython)."""
    name = dest.replace("\\", "/")
    return "/" not in name and name.startswith("lib") and not name.startswith("libpython")


def drop_orphan_system_libs(
    toc: list[tuple[str, str, str]], imports: Imports | None = None
) -> list[tuple[str, str, str]]:
    """Linux: drop top-level system libraries that nothing kept in the bundle still links.

    Binary analysis runs before :func:`lean_toc` removes plugins, so e.g. the GTK 3 theme's
    whole GTK stack would stay behind. Every kept binary and extension module counts
    (``ldd`` lists each one's full closure, so libraries of libraries are kept too).

    Args:
        toc: The bundle's binaries (dest, source, kind) after :func:`lean_toc`.
        imports: ``source -> [(name, path), ...]``; PyInstaller's ``get_imports`` by default.
    """
    if imports is None:
        from PyInstaller.depend.bindepend import get_imports

        imports = get_imports

    needed: set[str] = set()
    for dest, source, kind in toc:
        if kind in LINKING_KINDS and not is_top_level_lib(dest):
            needed.update(_linked_from_bundle(source, imports))
    return [entry for entry in toc if not is_top_level_lib(entry[0]) or entry[0] in needed]


def _linked_from_bundle(source: str, imports: Imports) -> set[str]:
    """Names of the libraries ``source`` loads from the bundle: its closure, less a system-only
    library's own closure (that library and what it needs come from the system)."""
    linked = list(imports(source))
    names = {PurePosixPath(name).name for name, _path in linked}
    for name, path in linked:
        if is_system_only(name):
            names.discard(PurePosixPath(name).name)
            if path:
                names -= {PurePosixPath(n).name for n, _p in imports(path)}
    return names


BUILD_INFO = "orderdesk-build.json"  # read at start by app/platform_check.py
GLIBC_REFERENCE = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")


def glibc_references(objdump_private: str) -> list[tuple[int, ...]]:
    """The ``GLIBC_x.y`` versions a file requires, from ``objdump -p`` output.

    Only the "Version References" part counts (what the file needs from the C library), not
    the versions a library defines itself.
    """
    _before, found, needs = objdump_private.partition("Version References:")
    if not found:
        return []
    return [tuple(int(n) for n in v.split(".")) for v in GLIBC_REFERENCE.findall(needs)]


def is_elf(path: Path) -> bool:
    """True for an ELF file (executable or shared library)."""
    try:
        with path.open("rb") as stream:
            return stream.read(4) == b"\x7fELF"
    except OSError:
        return False


def glibc_required(folder: Path) -> tuple[str, str]:
    """The newest glibc version any ELF file under ``folder`` needs, and the first file needing it.

    Returns:
        (``"2.36"``, ``"libstdc++.so.6"``); (``"0"``, ``""``) when no file references glibc.
    """
    newest: tuple[int, ...] = (0,)
    needed_by = ""
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if not is_elf(path):
            continue
        dump = subprocess.run(
            ["objdump", "-p", str(path)], capture_output=True, text=True, check=False
        ).stdout
        for version in glibc_references(dump):
            if version > newest:
                newest, needed_by = version, path.name
    return ".".join(map(str, newest)), needed_by


def write_build_info(bundle: Path) -> dict[str, str]:
    """Linux: record in ``_internal`` the glibc the bundle was built on and the one it needs."""
    internal = bundle / "_internal"
    required, needed_by = glibc_required(bundle)
    info = {
        "glibc_built_against": os.confstr("CS_GNU_LIBC_VERSION").rsplit(" ", 1)[-1],
        "glibc_required": required,
        "glibc_required_by": needed_by,
    }
    (internal / BUILD_INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"1.2.3"`` -> ``(1, 2, 3, 0)`` for the Windows version resource."""
    numbers = [int(part) for part in version.split(".")[:4] if part.isdigit()]
    padded = [*numbers, 0, 0, 0, 0]
    return (padded[0], padded[1], padded[2], padded[3])


def windows_version_info(version: str, exe_name: str, description: str) -> object:
    """The VERSIONINFO resource of one executable (only built on Windows)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = version_tuple(version)
    strings = [
        vi.StringStruct("CompanyName", "OrderDesk Tray"),
        vi.StringStruct("FileDescription", description),
        vi.StringStruct("FileVersion", version),
        vi.StringStruct("InternalName", exe_name),
        vi.StringStruct("OriginalFilename", f"{exe_name}.exe"),
        vi.StringStruct("ProductName", "OrderDesk Tray"),
        vi.StringStruct("ProductVersion", version),
    ]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(filevers=numbers, prodvers=numbers),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),
            vi.VarFileInfo([vi.VarStruct("Translation", [1033, 1200])]),
        ],
    )
