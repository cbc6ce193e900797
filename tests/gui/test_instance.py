"""Single instance and clean quit: ``orderdesk-tray --quit`` closes a real tray process and waits
until it has stopped; the Windows mutex the installer's ``AppMutex`` names."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app.gui.instance import (
    APP_MUTEX_NAMES,
    InstanceServer,
    QuitOutcome,
    ask_running_instance_to_quit,
    hold_app_mutex,
    process_alive,
)
from tests.processes import ROOT, TRAY, running_tray, tray_env, wait_for_log

pytestmark = pytest.mark.gui


def tray_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TRAY, *args],
        cwd=ROOT, env=tray_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_quit_closes_a_running_tray_and_waits_until_it_has_stopped(data_home: Path) -> None:
    log = data_home / "logs" / "orderdesk-tray.log"
    with running_tray() as tray:
        wait_for_log(log, "MCP host serving", tray)
        done = tray_command("--quit")
        # When --quit returns, the tray has already closed its engine, MCP host and database.
        assert "stopped in" in log.read_text(encoding="utf-8")
        assert done.returncode == 0, done.stderr
        assert "the tray quit" in done.stderr
        assert tray.poll() == 0  # its process had ended when --quit returned
    text = log.read_text(encoding="utf-8")
    assert "asked to quit by another process" in text and "Traceback" not in text
    again = tray_command("--quit")
    assert again.returncode == 0 and "no tray was running" in again.stderr


def test_quit_gives_up_on_a_tray_that_does_not_stop(qtbot: Any, tmp_path: Path) -> None:
    name = str(tmp_path / "tray.sock")
    assert ask_running_instance_to_quit(name, timeout=0.2) is QuitOutcome.NOT_RUNNING
    server = InstanceServer(name)
    assert server.listen()
    try:
        # This thread blocks in the call, so the "tray" never gets to quit.
        assert ask_running_instance_to_quit(name, timeout=0.5) is QuitOutcome.STILL_RUNNING
        with qtbot.waitSignal(server.quit_requested, timeout=5000):
            pass  # the request arrived all the same, once events run
    finally:
        server.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_a_process_counts_as_ended_once_it_exits_even_unreaped() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while process_alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not process_alive(child.pid)  # a zombie until reaped below: still ended
    assert child.wait(5) == 0
    assert not process_alive(child.pid)


class FakeKernel32:
    def __init__(self) -> None:
        self.created: list[tuple[object, bool, str]] = []

    def CreateMutexW(self, attributes: object, owner: bool, name: str) -> int:
        self.created.append((attributes, owner, name))
        return len(self.created)


def test_windows_holds_the_mutexes_the_installer_checks() -> None:
    kernel32 = FakeKernel32()
    assert hold_app_mutex("win32", kernel32) == [1, 2]
    assert [name for _, _, name in kernel32.created] == list(APP_MUTEX_NAMES)
    assert all(owner is False for _, owner, _ in kernel32.created)
    assert hold_app_mutex("linux", kernel32) == []


def installer_defines(text: str) -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "(.*)"$', text, flags=re.MULTILINE))


def test_installer_app_mutex_names_the_apps_mutexes() -> None:
    text = (ROOT / "installer.iss").read_text(encoding="utf-8")
    assert re.findall(r"^AppMutex=(.*)$", text, flags=re.MULTILINE) == ["{#AppMutexNames}"]
    assert installer_defines(text)["AppMutexNames"].split(",") == list(APP_MUTEX_NAMES)


def test_installer_quits_the_tray_with_quit_and_forces_only_as_a_fallback() -> None:
    text = (ROOT / "installer.iss").read_text(encoding="utf-8")
    assert "'--quit'" in text
    kills = re.findall(r"taskkill\.exe'\), '([^']*)'", text)
    assert kills and all(arg.startswith("/F ") for arg in kills)  # never a bare WM_CLOSE
    for event in ("function InitializeSetup", "function PrepareToInstall", "usAppMutexCheck"):
        assert event in text
    app_id = re.findall(r"^AppId=\{(\{[0-9A-F-]{36}\})$", text, flags=re.MULTILINE)
    assert installer_defines(text)["UninstallKey"].endswith(f"\\{app_id[0]}_is1")
