"""The shared self-test: every check passes from source; failures and skips are reported."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import selftest
from app.commands.selftest import as_command
from app.selftest import CheckResult, CheckSkipped, format_result, run_check, run_selftest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_every_check_passes_from_source(test_keyring: object) -> None:
    out = io.StringIO()
    assert run_selftest(out) == 0, out.getvalue()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("OrderDesk Tray ") and "source" in lines[0]
    names = [name for name, _check in selftest.checks(gui=False)]
    for name, line in zip(names, lines[1:-1], strict=True):
        assert line.startswith("ok  ") and name in line and " ms " in line, line
    assert "mcp via shim" in names
    assert lines[-1].startswith(f"selftest: {len(names)} ok, 0 failed, 0 skipped in ")


def test_real_data_folder_is_never_used(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(
        selftest, "checks", lambda gui: [("where", lambda home: seen.append(str(home)) or "x")]
    )
    assert run_selftest(io.StringIO()) == 0
    assert seen and seen[0] != str(data_home) and not Path(seen[0]).exists()
    assert os.environ["ORDERDESK_TRAY_HOME"] == str(data_home)


def test_a_failing_check_fails_the_run_and_says_where(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_home: Path) -> str:
        raise OSError("disk on fire")

    def skipped(_home: Path) -> str:
        raise CheckSkipped("not in this build")

    monkeypatch.setattr(
        selftest,
        "checks",
        lambda gui: [("fine", lambda _h: "good"), ("broken", broken), ("later", skipped)],
    )
    out = io.StringIO()
    assert run_selftest(out) == 1
    text = out.getvalue()
    assert "FAIL  broken" in text and "OSError: disk on fire (test_selftest.py:" in text
    assert "skip  later" in text and "not in this build" in text
    assert "selftest: 1 ok, 1 failed, 1 skipped in " in text


def test_gui_adds_the_qt_import_check() -> None:
    assert "import qt" not in [name for name, _ in selftest.checks(gui=False)]
    assert "import qt" in [name for name, _ in selftest.checks(gui=True)]


def test_run_check_times_and_formats(tmp_path: Path) -> None:
    result = run_check("demo", lambda home: f"in {home.name}", tmp_path)
    assert result.status == "ok" and result.detail == f"in {tmp_path.name}" and result.millis >= 0
    line = format_result(CheckResult("database", "FAIL", 12.4, "boom"))
    assert line == "FAIL  database             12 ms  boom"


def test_app_import_check_refuses_a_bundle_without_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest.pkgutil, "walk_packages", lambda *_a, **_k: iter(()))
    with pytest.raises(RuntimeError, match="missing code"):
        selftest.import_app_modules(gui=False)


def test_frozen_command_is_the_sibling_executable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suffix = ".exe" if sys.platform == "win32" else ""
    tray = tmp_path / f"orderdesk-tray{suffix}"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tray))
    with pytest.raises(RuntimeError, match="missing next to"):
        selftest.orderdesk_mcp_command()
    (tmp_path / f"orderdesk-mcp{suffix}").write_bytes(b"")
    assert selftest.orderdesk_mcp_command() == [str(tmp_path / f"orderdesk-mcp{suffix}")]


def test_selftest_flag_becomes_the_sub_command() -> None:
    assert as_command(["--selftest"]) == ["selftest"]
    assert as_command(["stores", "list"]) == ["stores", "list"]


@pytest.mark.slow
def test_orderdesk_mcp_selftest_exits_0(test_keyring: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "--selftest"],
        capture_output=True,
        text=True,
        timeout=100,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok    mcp via shim" in done.stdout
    assert "import qt" not in done.stdout
