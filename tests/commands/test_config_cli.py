"""``orderdesk-mcp config``: print or merge an AI client's entry; never an API key."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.core.client_configs import TOKEN_ENV, ClientKind, config_path, mcp_executable
from app.core.db.tokens import TOKEN_PREFIX
from app.sandbox import SandboxServer
from tests.commands.conftest import KNOWN_KEY, REPO, STORE_ID, run_subprocess

Cli = Any
FILE_KINDS = ["claude", "claude-code", "cursor", "vscode", "windsurf"]


def client_names(cli: Cli) -> list[str]:
    return [c["name"] for c in json.loads(cli("clients", "list", "--json").out)]


@pytest.mark.parametrize("kind", ["claude", "cursor", "vscode", "windsurf"])
def test_print_creates_a_client_and_prints_its_entry(cli: Cli, kind: str) -> None:
    printed = cli("config", kind)
    assert printed.code == 0, printed.err
    data = json.loads(printed.out)
    key = "servers" if kind == "vscode" else "mcpServers"
    entry = data[key]["orderdesk"]
    assert entry["command"] == str(mcp_executable())
    assert entry["args"] == []
    assert entry["env"][TOKEN_ENV].startswith(TOKEN_PREFIX)
    assert client_names(cli) == [ClientKind(kind).display_name]
    assert "'read' scope" in printed.err
    assert not config_path(ClientKind(kind)).exists()


def test_claude_code_prints_the_claude_mcp_add_command(cli: Cli) -> None:
    printed = cli("config", "claude-code", "--client", "My Claude")
    assert printed.code == 0
    argv = shlex.split(printed.out)
    assert argv[:3] == ["claude", "mcp", "add"]
    assert any(arg.startswith(f"{TOKEN_ENV}={TOKEN_PREFIX}") for arg in argv)
    assert client_names(cli) == ["My Claude"]


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_write_merges_into_the_clients_file(cli: Cli, kind: str, user_home: Path) -> None:
    target = config_path(ClientKind(kind))
    assert target.is_relative_to(user_home)
    target.parent.mkdir(parents=True, exist_ok=True)
    key = "servers" if kind == "vscode" else "mcpServers"
    target.write_text(json.dumps({key: {"other": {"command": "x"}}, "keep": True}))
    written = cli("config", kind, "--write")
    assert written.code == 0, written.err
    assert str(target) in written.err and "previous file saved as" in written.err
    data = json.loads(target.read_text())
    assert data["keep"] is True and data[key]["other"] == {"command": "x"}
    token = data[key]["orderdesk"]["env"][TOKEN_ENV]
    assert written.out == ""
    assert len(list(target.parent.glob(target.name + ".*.bak"))) == 1
    identity_check = cli("clients", "list", "--json")
    assert token not in identity_check.out


def test_write_refuses_bad_json_and_creates_no_client(cli: Cli) -> None:
    target = config_path(ClientKind.CURSOR)
    target.parent.mkdir(parents=True)
    target.write_text("{not json")
    refused = cli("config", "cursor", "--write")
    assert refused.code == 1
    assert "not valid JSON" in refused.err and "untouched" in refused.err
    assert target.read_text() == "{not json"
    assert client_names(cli) == []


def test_existing_client_needs_its_token(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    token = cli("clients", "add", "Cursor", "--scopes", "all").out.strip()
    refused = cli("config", "cursor")
    assert refused.code == 1 and "cannot be shown again" in refused.err
    monkeypatch.setenv(TOKEN_ENV, token)
    printed = cli("config", "cursor", "--write")
    assert printed.code == 0, printed.err
    data = json.loads(config_path(ClientKind.CURSOR).read_text())
    assert data["mcpServers"]["orderdesk"]["env"][TOKEN_ENV] == token
    other = cli("clients", "add", "Other").out.strip()
    monkeypatch.setenv(TOKEN_ENV, other)
    assert cli("config", "cursor").code == 1  # another client's token does not fit


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli("config").code == 2
    assert cli("config", "notepad").code == 2
    assert cli("config", "cursor", "--client").code == 2


def test_config_in_a_subprocess(subprocess_env: dict[str, str], user_home: Path) -> None:
    written = run_subprocess(subprocess_env, "config", "windsurf", "--write")
    assert written.code == 0, written.err
    target = config_path(ClientKind.WINDSURF, subprocess_env)
    assert target.is_relative_to(user_home)
    assert "orderdesk" in json.loads(target.read_text())["mcpServers"]
    printed = run_subprocess(subprocess_env, "config", "cursor", "--client", "C2")
    assert printed.code == 0
    assert json.loads(printed.out)["mcpServers"]["orderdesk"]["env"][TOKEN_ENV]
    usage = run_subprocess(subprocess_env, "config", "emacs")
    assert usage.code == 2 and "invalid choice" in usage.err


def test_a_known_api_key_never_reaches_a_config_log_or_db(
    cli: Cli,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    user_home: Path,
    data_home: Path,
) -> None:
    monkeypatch.setenv("ORDERDESK_API_URL", sandbox.base_url)
    outputs = [cli("stores", "add", "Main", "--store-id", STORE_ID, stdin=KNOWN_KEY + "\n")]
    assert outputs[0].code == 0, outputs[0].err
    outputs.append(cli("clients", "add", "Everything", "--scopes", "all", "--stores", "Main"))
    for kind in FILE_KINDS:
        outputs.append(cli("config", kind, "--write"))  # creates, then...
        outputs.append(cli("config", kind, "--write", "--client", f"{kind}-2"))  # merges again
        outputs.append(cli("config", kind, "--client", f"{kind}-3"))
    outputs.append(cli("stores", "test", "Main"))
    outputs.append(cli("stores", "list", "--json"))
    outputs.append(cli("clients", "list", "--json"))
    assert all(result.code == 0 for result in outputs), [r.err for r in outputs]
    for result in outputs:
        assert KNOWN_KEY not in result.out + result.err
    written = [p for p in user_home.rglob("*") if p.is_file()]
    assert len(written) == 2 * len(FILE_KINDS)  # each config file and one backup
    for path in written + [p for p in data_home.rglob("*") if p.is_file()]:
        assert KNOWN_KEY.encode() not in path.read_bytes(), path
    assert any(p.suffix == ".log" for p in data_home.rglob("*"))
    assert os.environ.get(TOKEN_ENV) is None


def servers_of(kind: str) -> dict[str, Any]:
    key = "servers" if kind == "vscode" else "mcpServers"
    servers: dict[str, Any] = json.loads(config_path(ClientKind(kind)).read_text())[key]
    return servers


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_remove_takes_out_only_our_entry(cli: Cli, kind: str, user_home: Path) -> None:
    target = config_path(ClientKind(kind))
    target.parent.mkdir(parents=True, exist_ok=True)
    key = "servers" if kind == "vscode" else "mcpServers"
    other = {"command": "npx", "args": ["-y", "some-server"]}
    target.write_text(json.dumps({key: {"other": other}, "theme": "dark"}))
    assert cli("config", kind, "--write").code == 0
    assert set(servers_of(kind)) == {"other", "orderdesk"}
    removed = cli("config", kind, "--remove")
    assert removed.code == 0, removed.err
    assert "Removed the 'orderdesk' server" in removed.err
    data = json.loads(target.read_text())
    assert data == {key: {"other": other}, "theme": "dark"}
    backups = sorted(target.parent.glob(target.name + ".*.bak"))
    assert len(backups) == 2  # one from --write, one from --remove (it holds our entry)
    assert any("orderdesk" in json.loads(b.read_text())[key] for b in backups)
    again = cli("config", kind, "--remove")
    assert again.code == 0 and "nothing changed" in again.err
    assert len(list(target.parent.glob(target.name + ".*.bak"))) == 2


def test_remove_keeps_another_tools_orderdesk_server(cli: Cli) -> None:
    target = config_path(ClientKind.CURSOR)
    target.parent.mkdir(parents=True)
    theirs = {"mcpServers": {"orderdesk": {"command": "npx", "args": ["orderdesk-mcp-server"]}}}
    target.write_text(json.dumps(theirs))
    kept = cli("config", "cursor", "--remove")
    assert kept.code == 0 and "not ours and was kept" in kept.err
    assert json.loads(target.read_text()) == theirs
    assert not list(target.parent.glob("*.bak"))


def test_remove_all_cleans_every_client_and_reports_a_broken_file(
    cli: Cli, user_home: Path, data_home: Path
) -> None:
    for kind in ("claude", "vscode"):
        assert cli("config", kind, "--write").code == 0
    broken = config_path(ClientKind.WINDSURF)
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    before = {p for p in user_home.rglob("*") if p.is_file()}
    done = cli("config", "all", "--remove")
    assert done.code == 1 and "not valid JSON" in done.err
    assert servers_of("claude") == {} and servers_of("vscode") == {}
    assert broken.read_text() == "{not json"
    assert not config_path(ClientKind.CURSOR).exists()  # no file is created
    new_files = {p for p in user_home.rglob("*") if p.is_file()} - before
    assert {p.suffix for p in new_files} == {".bak"} and len(new_files) == 2


def test_remove_needs_no_data_folder(
    subprocess_env: dict[str, str], user_home: Path, tmp_path: Path
) -> None:
    target = config_path(ClientKind.CURSOR, subprocess_env)
    target.parent.mkdir(parents=True)
    ours = {"command": "C:\\Program Files\\OrderDesk Tray\\orderdesk-mcp.exe", "args": []}
    target.write_text(json.dumps({"mcpServers": {"orderdesk": ours}}))
    env = dict(subprocess_env, ORDERDESK_TRAY_HOME=str(tmp_path / "gone"))
    done = run_subprocess(env, "config", "all", "--remove")
    assert done.code == 0, done.err
    assert json.loads(target.read_text()) == {"mcpServers": {}}
    assert not (tmp_path / "gone").exists()


def test_all_is_only_for_remove(cli: Cli) -> None:
    refused = cli("config", "all")
    assert refused.code == 1 and "only with --remove" in refused.err
    assert cli("config", "cursor", "--write", "--remove").code == 2


def test_the_windows_uninstaller_removes_our_entries_while_the_exe_is_there() -> None:
    iss = (REPO / "installer.iss").read_text(encoding="utf-8")
    assert "'config all --remove'" in iss and "{#McpExe}" in iss
    uninstall_step = iss[iss.index("if CurUninstallStep = usUninstall then") :]
    assert "RemoveClientEntries();" in uninstall_step.split("usPostUninstall")[0]


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_the_linux_uninstall_quits_the_tray_and_removes_our_entries(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    script = shutil.copy(REPO / "packaging/linux/install-desktop.sh", bundle)
    calls = tmp_path / "calls"
    for exe in ("orderdesk-tray", "orderdesk-mcp"):
        stub = bundle / exe
        stub.write_text(f'#!/bin/sh\necho "{exe} $*" >> "{calls}"\nexit 1\n')
        stub.chmod(0o755)
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(["sh", script, "--uninstall"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # a failing step does not stop the uninstall
    assert calls.read_text().splitlines() == [
        "orderdesk-tray --quit",
        "orderdesk-mcp config all --remove",
    ]
    assert "stores remove --all" in done.stdout


def test_install_links(cli: Any) -> None:
    cursor = cli("config", "cursor", "--link")
    assert cursor.code == 0 and cursor.out.startswith("cursor://anysphere.cursor-deeplink/")
    vscode = cli("config", "vscode", "--link")
    assert vscode.code == 0 and vscode.out.startswith("vscode:mcp/install?")
    assert "VS Code asks for the client token" in vscode.err
    refused = cli("config", "claude", "--link")
    assert refused.code == 1 and "cursor or vscode" in refused.err
