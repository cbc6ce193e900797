"""The Claude Desktop extension: ``config mcpb --out FILE``, checked by the official mcpb CLI.

``npx @anthropic-ai/mcpb@<checked> validate`` reads the manifest of the bundle the command
wrote; the token is a sensitive user-config value and the file holds no secret.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from app.core.client_configs import TOKEN_ENV
from app.core.client_configs.mcpb import MCPB_CHECKED, TOKEN_KEY
from tests.processes import CLI

PACKAGE = f"@anthropic-ai/mcpb@{MCPB_CHECKED}"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("npx") is None, reason="npx (Node.js) is not installed"),
]


def test_the_extension_validates_and_holds_no_secret(data_home: Path, tmp_path: Path) -> None:
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(data_home))
    env.pop(TOKEN_ENV, None)
    made = subprocess.run(
        [*CLI, "config", "mcpb", "--out", str(tmp_path / "orderdesk")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token and "Paste it when Claude Desktop asks" in made.stderr
    bundle = tmp_path / "orderdesk.mcpb"
    with zipfile.ZipFile(bundle) as archive:
        assert set(archive.namelist()) == {"manifest.json", "icon.png"}
        archive.extractall(tmp_path / "unpacked")
        assert all(token.encode() not in archive.read(name) for name in archive.namelist())
    manifest = json.loads((tmp_path / "unpacked" / "manifest.json").read_text())
    option = manifest["user_config"][TOKEN_KEY]
    assert option["sensitive"] is True and option["required"] is True
    config = manifest["server"]["mcp_config"]
    assert config["env"] == {TOKEN_ENV: "${user_config." + TOKEN_KEY + "}"}
    assert Path(config["command"]).name.startswith("orderdesk-mcp")

    npm_env = dict(os.environ, HOME=str(tmp_path / "npm-home"), npm_config_update_notifier="false")
    npm_env.setdefault("npm_config_cache", str(Path.home() / ".npm"))
    checked = subprocess.run(
        ["npx", "-y", PACKAGE, "validate", str(tmp_path / "unpacked" / "manifest.json")],
        env=npm_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Manifest schema validation passes" in checked.stdout


def test_a_second_bundle_for_an_existing_client_makes_no_new_token(
    data_home: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, ORDERDESK_TRAY_HOME=str(data_home))
    first = [*CLI, "config", "mcpb", "--out", str(tmp_path / "a.mcpb")]
    assert subprocess.run(first, env=env, capture_output=True, timeout=120).returncode == 0
    again = subprocess.run(
        [*CLI, "config", "mcpb", "--out", str(tmp_path / "b.mcpb")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0 and again.stdout == ""
    assert "give the token of client 'Claude Desktop'" in again.stderr
    assert (tmp_path / "b.mcpb").exists()
