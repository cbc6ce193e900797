"""Merge our server entry into an AI client's JSON config file, safely; or remove it again.

Every other server and key is kept; the old file is copied to a timestamped backup first; the
new file is written to a temp file and renamed over the old one, readable by the user only. A
file that is not valid JSON is never overwritten. VS Code's ``mcp.json`` may hold comments
(JSONC): it is read, the comments are dropped from the merged file, and the result says so
(the backup keeps them).

:func:`remove_from_file` takes out only what this app wrote: the ``orderdesk`` server when it
launches an ``orderdesk-mcp`` executable (:func:`is_our_entry`). Another tool's server that
happens to be called ``orderdesk`` is kept, and so is everything else.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PureWindowsPath
from typing import Any

from app.core.client_configs.locations import (
    MCP_COMMAND,
    ClientKind,
    config_path,
    mcp_executable,
)
from app.core.client_configs.render import SERVER_NAME, server_entry, servers_key
from app.core.errors import ExpectedError
from app.core.install_location import location_problem, refusal


class ConfigFileError(ExpectedError):
    """A config file we must not touch; ``str(error)`` says why and what to do."""


@dataclass(frozen=True)
class MergeResult:
    """What :func:`merge_into_file` did.

    Attributes:
        path: The file written.
        backup_path: The copy of the previous file; None when there was no file.
        replaced: True when an entry named ``orderdesk`` was already there and was replaced.
        comments_dropped: True when the old file had comments (kept only in the backup).
    """

    path: Path
    backup_path: Path | None
    replaced: bool
    comments_dropped: bool


def strip_jsonc(text: str) -> tuple[str, bool]:
    """Remove ``//`` and ``/* */`` comments and trailing commas outside strings.

    Returns:
        The plain JSON text and whether any comment was found.
    """
    out: list[str] = []
    i, found, in_string = 0, False, False
    while i < len(text):
        char, pair = text[i], text[i : i + 2]
        if in_string:
            out.append(text[i : i + 2] if char == "\\" else char)
            in_string = char != '"'
            i += 2 if char == "\\" else 1
        elif pair in ("//", "/*"):
            found = True
            end = text.find("\n" if pair == "//" else "*/", i + 2)
            i = len(text) if end < 0 else end + (0 if pair == "//" else 2)
        else:
            in_string = char == '"'
            out.append(char)
            i += 1
    return _drop_trailing_commas("".join(out)), found


def _drop_trailing_commas(text: str) -> str:
    out: list[str] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char == "," and text[index + 1 :].lstrip()[:1] in ("}", "]"):
            continue
        out.append(char)
    return "".join(out)


def read_config(path: Path, allow_comments: bool = False) -> tuple[dict[str, Any], bool]:
    """Read a client config; a missing or blank file is an empty object.

    Args:
        path: The file.
        allow_comments: Accept JSONC (comments, trailing commas), as VS Code does.

    Returns:
        The parsed object and whether it had comments.

    Raises:
        ConfigFileError: Unreadable, not JSON, or not a JSON object.
    """
    try:
        text = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"Cannot read {path}: {exc}. Nothing was changed.") from exc
    if not text.strip():
        return {}, False
    plain, had_comments = strip_jsonc(text) if allow_comments else (text, False)
    try:
        data = json.loads(plain)
    except json.JSONDecodeError as exc:
        raise ConfigFileError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}), "
            "so it was left untouched. Fix or move the file and try again, or add the entry "
            "by hand (run the command without --write to print it)."
        ) from exc
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path} does not hold a JSON object; it was left untouched.")
    return data, had_comments


def backup_file(path: Path, now: datetime | None = None) -> Path:
    """Copy ``path`` to ``<name>.<YYYYmmdd-HHMMSS>.bak`` beside it (user-only) and return it."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{stamp}.bak")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.{stamp}-{counter}.bak")
        counter += 1
    shutil.copy2(path, backup)
    _make_private(backup)
    return backup


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temp file and a rename, readable by the user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        _make_private(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _make_private(path: Path) -> None:
    if sys.platform != "win32":
        path.chmod(0o600)


def merged(
    kind: ClientKind, data: dict[str, Any], token: str, command: Path | None = None
) -> tuple[dict[str, Any], bool]:
    """Return ``data`` with our entry set (all else kept) and whether it replaced one.

    Raises:
        ConfigFileError: The servers key holds something other than an object.
    """
    key = servers_key(kind)
    servers = data.get(key, {})
    if not isinstance(servers, dict):
        raise ConfigFileError(f'"{key}" in the config file is not an object; nothing was changed.')
    result = dict(data)
    result[key] = {**servers, SERVER_NAME: server_entry(kind, token, command)}
    return result, SERVER_NAME in servers


def check_file(kind: ClientKind, path: Path | None = None) -> Path:
    """Return the file :func:`merge_into_file` would write, after checking it can be merged.

    Raises:
        ConfigFileError: As :func:`merge_into_file` would.
    """
    check_location(kind)
    target = _target(kind, path)
    data, _ = read_config(target, allow_comments=kind is ClientKind.VSCODE)
    merged(kind, data, "")
    return target


def check_location(kind: ClientKind, command: Path | None = None) -> None:
    """Refuse an entry that would launch ``orderdesk-mcp`` from a temporary place (macOS).

    Raises:
        ConfigFileError: The app runs translocated, from a disk image or from Downloads.
    """
    problem = location_problem(command or mcp_executable())
    if problem is not None:
        raise ConfigFileError(refusal(f"{kind.display_name}'s config", problem))


def _target(kind: ClientKind, path: Path | None) -> Path:
    target = path if path is not None else config_path(kind)
    return target.resolve() if target.is_symlink() else target


def merge_into_file(
    kind: ClientKind, token: str, path: Path | None = None, command: Path | None = None
) -> MergeResult:
    """Add (or replace) the ``orderdesk`` server in ``kind``'s config file.

    Args:
        kind: The AI client.
        token: The client token the entry carries.
        path: The file; defaults to :func:`config_path` for ``kind``.
        command: The executable the entry launches; defaults to :func:`mcp_executable`.

    Raises:
        ConfigFileError: The file is not valid JSON (or JSONC for VS Code), its servers key
            is not an object, the command lives in a temporary place (:func:`check_location`),
            or the disk refused the write. Nothing is written then.
    """
    check_location(kind, command)
    target = _target(kind, path)
    data, had_comments = read_config(target, allow_comments=kind is ClientKind.VSCODE)
    new_data, replaced = merged(kind, data, token, command)
    backup = _backup_and_write(target, new_data)
    return MergeResult(target, backup, replaced, had_comments)


def _backup_and_write(target: Path, data: dict[str, Any]) -> Path | None:
    """Back up ``target`` (when it exists) and write ``data``; return the backup's path.

    Raises:
        ConfigFileError: The disk refused (permissions, full disk); the file is unchanged.
    """
    try:
        backup = backup_file(target) if target.exists() else None
        write_atomically(target, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise ConfigFileError(
            f"Could not write {target}: {exc.strerror or exc}. Nothing was changed; check the"
            " folder's permissions and free space, or add the entry by hand."
        ) from exc
    return backup


@dataclass(frozen=True)
class RemoveResult:
    """What :func:`remove_from_file` did.

    Attributes:
        path: The file looked at.
        backup_path: The copy of the file before the change; None when nothing was removed.
        removed: The names of the servers removed (empty when the file has none of ours).
        kept: Servers named ``orderdesk`` that were kept because they do not launch
            ``orderdesk-mcp`` (another tool's entry).
    """

    path: Path
    backup_path: Path | None
    removed: tuple[str, ...]
    kept: tuple[str, ...] = ()


def is_our_entry(entry: object) -> bool:
    """True when a server entry launches ``orderdesk-mcp`` (``.exe``; any folder, any OS)."""
    if not isinstance(entry, dict):
        return False
    command = entry.get("command")
    if not isinstance(command, str) or not command.strip():
        return False
    name = PureWindowsPath(command.strip()).name  # splits on / and \ alike
    return name.lower() in (MCP_COMMAND, f"{MCP_COMMAND}.exe")


def remove_from_file(kind: ClientKind, path: Path | None = None) -> RemoveResult:
    """Remove the ``orderdesk`` server this app wrote from ``kind``'s config file.

    Everything else is kept; the file is backed up first and rewritten only when an entry is
    removed. A missing file, or one without our entry, is left untouched.

    Args:
        kind: The AI client.
        path: The file; defaults to :func:`config_path` for ``kind``.

    Raises:
        ConfigFileError: The file is not valid JSON (JSONC for VS Code); nothing is changed.
    """
    target = _target(kind, path)
    if not target.exists():
        return RemoveResult(target, None, ())
    data, _ = read_config(target, allow_comments=kind is ClientKind.VSCODE)
    key = servers_key(kind)
    servers = data.get(key)
    if not isinstance(servers, dict) or SERVER_NAME not in servers:
        return RemoveResult(target, None, ())
    if not is_our_entry(servers[SERVER_NAME]):
        return RemoveResult(target, None, (), kept=(SERVER_NAME,))
    remaining = {name: entry for name, entry in servers.items() if name != SERVER_NAME}
    backup = _backup_and_write(target, {**data, key: remaining})
    return RemoveResult(target, backup, (SERVER_NAME,))
