"""A non-editable ``pip install .`` is complete: the wheel carries the icons, and both
``--selftest`` pass from it installed in a fresh venv (issue 10.3)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from app.resources import ICON_FILES

REPO = Path(__file__).resolve().parents[2]
# Not part of the source a user would pip-install; copying them would only slow the build.
NOT_SOURCE = (".git", ".venv", "build", "dist", ".cache", "*.egg-info", "__pycache__", "*_cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel with pip from a copy of the checkout (no build/ left in the repo)."""
    source = tmp_path_factory.mktemp("source") / "orderdesk-tray"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("orderdesk_tray-*.whl")
    return built


def test_wheel_carries_every_icon(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [icon for icon in ICON_FILES if f"app/resources/icons/{icon}" not in names]
    assert not missing
    assert "app/resources/__init__.py" in names
    assert not [name for name in names if name.startswith("resources/")]


@pytest.mark.slow
@pytest.mark.parametrize("command", ["orderdesk-mcp", "orderdesk-tray"])
def test_selftest_passes_from_the_installed_wheel(
    wheel: Path, tmp_path: Path, command: str
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    subprocess.run([*install, "--no-deps", "--no-index", str(wheel)], check=True, timeout=120)
    # The dependencies come from this venv's site-packages (a path line, so its editable-install
    # hook is not run): only the app itself comes from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    scripts = python.parent
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    env.pop("ORDERDESK_TRAY_TOKEN", None)
    result = subprocess.run(
        [str(scripts / command), "--selftest"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    resources_line = next(line for line in result.stdout.splitlines() if "resources" in line)
    assert resources_line.startswith("ok") and str(Path(site, "app", "resources")) in resources_line
