"""The glibc check a Linux bundle runs before anything else (issue 10.4)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from app import platform_check
from app.platform_check import glibc_problem, parse_version, read_build_info

INFO = {"glibc_built_against": "2.36", "glibc_required": "2.36", "glibc_required_by": "libx.so"}


def test_versions_parse_from_confstr_and_build_info() -> None:
    assert parse_version("glibc 2.36") == (2, 36)
    assert parse_version("2.3.4") == (2, 3, 4)
    assert parse_version("musl") is None and parse_version("") is None


def test_an_older_glibc_gets_a_message_that_says_what_to_do() -> None:
    problem = glibc_problem(INFO, (2, 35))
    assert problem is not None
    assert "needs glibc 2.36 or newer" in problem and "has glibc 2.35" in problem
    assert "libx.so" in problem and "Ubuntu 24.04" in problem and "from source" in problem


@pytest.mark.parametrize("running", [(2, 36), (2, 39), (3, 0)])
def test_same_or_newer_glibc_passes(running: tuple[int, ...]) -> None:
    assert glibc_problem(INFO, running) is None


def test_unknown_facts_never_block_a_start() -> None:
    assert glibc_problem(None, (2, 17)) is None  # no build record (not a Linux bundle)
    assert glibc_problem(INFO, None) is None  # not glibc (musl) or not Linux
    assert glibc_problem({"glibc_required": "?"}, (2, 17)) is None


def test_build_record_is_read_from_the_bundle_folder(tmp_path: Path) -> None:
    assert read_build_info(tmp_path) is None
    (tmp_path / platform_check.BUILD_INFO).write_text(json.dumps(INFO), encoding="utf-8")
    assert read_build_info(tmp_path) == INFO
    (tmp_path / platform_check.BUILD_INFO).write_text("{broken", encoding="utf-8")
    assert read_build_info(tmp_path) is None


def test_a_frozen_bundle_on_an_old_glibc_exits_1_with_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / platform_check.BUILD_INFO).write_text(json.dumps(INFO), encoding="utf-8")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(platform_check, "running_glibc", lambda: (2, 31))
    with pytest.raises(SystemExit) as stopped:
        platform_check.exit_if_unsupported()
    assert stopped.value.code == 1
    assert "needs glibc 2.36" in capsys.readouterr().err

    monkeypatch.setattr(platform_check, "running_glibc", lambda: (2, 36))
    platform_check.exit_if_unsupported()  # returns: new enough


def test_from_source_nothing_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    monkeypatch.setattr(platform_check, "running_glibc", lambda: (1, 0))
    platform_check.exit_if_unsupported(gui=True)


def test_system_programs_get_the_users_library_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/orderdesk-tray/_internal")
    monkeypatch.setenv("LD_LIBRARY_PATH_ORIG", "/usr/local/lib")
    assert platform_check.system_environment()["LD_LIBRARY_PATH"] == "/usr/local/lib"
    monkeypatch.delenv("LD_LIBRARY_PATH_ORIG")
    assert "LD_LIBRARY_PATH" not in platform_check.system_environment()
