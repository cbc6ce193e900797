"""Data folder paths: the environment override and private folders."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from app.core import paths

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


def test_data_home_follows_the_environment(data_home: Path) -> None:
    assert paths.data_home() == data_home
    assert paths.db_path() == data_home / "orderdesk-tray.db"
    assert paths.log_dir() == data_home / "logs"


def test_data_home_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "deep" / "er" / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(target))
    assert paths.data_home() == target
    assert target.is_dir()


@posix_only
def test_folders_are_user_only(data_home: Path) -> None:
    data_home.chmod(0o755)
    for folder in (paths.data_home(), paths.log_dir(), paths.index_dir()):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_runtime_dir_is_short_and_per_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / ("x" * 150)))
    first = paths.runtime_dir()
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path / "other"))
    second = paths.runtime_dir()
    assert first != second
    assert first.parent == second.parent == runtime
    assert len(first.name) <= 24  # the deep data folder does not lengthen the socket path


def _runtime_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the runtime base at a temp folder; return the path runtime_dir() will use."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    first = paths.runtime_dir()  # created 0700 and verified
    assert stat.S_IMODE(first.stat().st_mode) == 0o700
    first.rmdir()
    return first


@posix_only
@pytest.mark.parametrize("mode", [0o755, 0o777, 0o701])
def test_runtime_dir_open_to_others_is_refused(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int
) -> None:
    target = _runtime_target(tmp_path, monkeypatch)
    target.mkdir()
    target.chmod(mode)  # pre-created by someone: never "fixed" and used
    with pytest.raises(paths.UnsafeFolderError, match=f"has mode {mode:04o} instead of 0700"):
        paths.runtime_dir()
    assert stat.S_IMODE(target.stat().st_mode) == mode


@posix_only
def test_runtime_dir_that_is_a_symlink_is_refused(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _runtime_target(tmp_path, monkeypatch)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    target.symlink_to(elsewhere)
    with pytest.raises(paths.UnsafeFolderError, match="is a symbolic link"):
        paths.runtime_dir()


@posix_only
def test_runtime_dir_of_another_user_is_refused(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = os.getuid()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setattr(os, "getuid", lambda: owner + 4242)  # we are not its owner
    with pytest.raises(paths.UnsafeFolderError, match=rf"belongs to another user \(uid {owner}\)"):
        paths.runtime_dir()
