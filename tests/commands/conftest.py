"""CLI test fixtures: a sandbox Order Desk, a temp HOME, in-process and subprocess runs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.sandbox import SandboxServer, SandboxStoreSpec
from tests.core.secrets.memory_keyring import FILE_ENV, MemoryKeyring

KNOWN_KEY = "leakcheck-5f1e9a7c3b2d4e6f8a0b1c2d3e4f5a6b"
STORE_ID = "200002"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox Order Desk whose one store has :data:`KNOWN_KEY` as its API key."""
    spec = SandboxStoreSpec(store_id=STORE_ID, api_key=KNOWN_KEY, orders=5, inventory=3)
    with SandboxServer(stores=[spec], rate_limit=False) as server:
        yield server


@pytest.fixture
def user_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME (and the Windows equivalents) in a temp folder, so config files land there."""
    home = tmp_path / "user"
    home.mkdir()
    for name in ("HOME", "USERPROFILE"):
        monkeypatch.setenv(name, str(home))
    for name in ("XDG_CONFIG_HOME", "APPDATA", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    test_keyring: MemoryKeyring,
    user_home: Path,
) -> Iterator[object]:
    """Run ``orderdesk-mcp`` in-process: ``cli(*argv, stdin=None) -> Result``."""

    def run(*argv: str, stdin: str | None = None) -> Result:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run


@pytest.fixture
def subprocess_env(
    tmp_path: Path, test_keyring: MemoryKeyring, user_home: Path, data_home: Path
) -> dict[str, str]:
    """Environment for a CLI subprocess: the test keyring shared through a file."""
    env = dict(os.environ)
    env[FILE_ENV] = str(tmp_path / "keyring.json")
    env["PYTHONPATH"] = str(REPO)
    return env


def run_subprocess(env: dict[str, str], *argv: str, stdin: str = "") -> Result:
    """Run ``python -m app.cli ARGV`` and return its exit code and output."""
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    return Result(done.returncode, done.stdout, done.stderr)
