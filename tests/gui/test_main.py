"""``python -m app`` as a user starts it: version, demo start-up, single instance, clean quit."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from app import __version__
from tests.processes import ROOT, TRAY, running_tray, tray_env, wait_for_log

pytestmark = pytest.mark.gui
QUIT_LIMIT_S = 5.0


def run_app(*args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TRAY, *args],
        cwd=ROOT, env=tray_env(), capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_version() -> None:
    done = run_app("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"orderdesk-tray {__version__}"


def test_demo_start_single_instance_and_clean_quit(data_home: Path) -> None:
    log = data_home / "logs" / "orderdesk-tray.log"
    with running_tray("--demo") as first:
        wait_for_log(log, "tray up", first)
        wait_for_log(log, "MCP host serving", first)
        assert (data_home / "endpoint.json").exists()
        second = run_app()
        assert second.returncode == 0
        assert "already running" in second.stderr
        asked = time.monotonic()
        first.send_signal(signal.SIGTERM)
        assert first.wait(QUIT_LIMIT_S) == 0
        assert time.monotonic() - asked < QUIT_LIMIT_S
    text = log.read_text(encoding="utf-8")
    assert "stopped in" in text and "Traceback" not in text
    assert "demo-0a1b2c3d" not in text  # the demo key never reaches the log


@pytest.mark.skipif(os.name == "nt", reason="POSIX owners and modes")
def test_a_planted_runtime_folder_stops_the_start_with_a_sentence(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core import paths

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    planted = paths.runtime_dir()
    planted.chmod(0o777)  # as if another user had made it for us
    env = dict(tray_env(), XDG_RUNTIME_DIR=str(tmp_path / "run"))
    done = subprocess.run(
        TRAY, cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=30,
    )  # fmt: skip
    assert done.returncode == 1
    assert f"The private folder {planted} has mode 0777 instead of 0700" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(planted.iterdir()) == []  # no socket was put in it
