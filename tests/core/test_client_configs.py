"""Client config writers: paths per OS, entries, merge with backup, JSONC, refusals."""

from __future__ import annotations

import base64
import json
import stat
import sys
import urllib.parse
from pathlib import Path

import pytest

from app.core.client_configs import (
    TOKEN_ENV,
    ClientKind,
    ConfigFileError,
    check_file,
    claude_code_add_json,
    claude_code_command,
    config_path,
    cursor_install_link,
    is_our_entry,
    mcp_executable,
    merge_into_file,
    remove_from_file,
    render,
    shell_line,
    strip_jsonc,
    vscode_install_link,
)

TOKEN = "odt_" + "t" * 43
COMMAND = Path("/opt/orderdesk/orderdesk-mcp")
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("USERPROFILE", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    return folder


@pytest.mark.parametrize(
    ("kind", "relative"),
    [
        (ClientKind.CLAUDE_DESKTOP, ".config/Claude/claude_desktop_config.json"),
        (ClientKind.CLAUDE_CODE, ".claude.json"),
        (ClientKind.CURSOR, ".cursor/mcp.json"),
        (ClientKind.VSCODE, ".config/Code/User/mcp.json"),
        (ClientKind.WINDSURF, ".codeium/windsurf/mcp_config.json"),
    ],
)
def test_linux_paths_follow_home(kind: ClientKind, relative: str, home: Path) -> None:
    assert config_path(kind, platform="linux") == home / relative


def test_linux_paths_honour_xdg_config_home(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert config_path(ClientKind.VSCODE, env, "linux") == tmp_path / "xdg/Code/User/mcp.json"


def test_macos_paths(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    support = tmp_path / "Library" / "Application Support"
    assert config_path(ClientKind.CLAUDE_DESKTOP, env, "darwin") == (
        support / "Claude" / "claude_desktop_config.json"
    )
    assert config_path(ClientKind.VSCODE, env, "darwin") == support / "Code/User/mcp.json"
    assert config_path(ClientKind.CURSOR, env, "darwin") == tmp_path / ".cursor/mcp.json"


def test_windows_paths_use_appdata_and_userprofile(tmp_path: Path) -> None:
    env = {
        "USERPROFILE": str(tmp_path / "profile"),
        "HOME": str(tmp_path / "msys-home"),
        "APPDATA": str(tmp_path / "roaming"),
        "LOCALAPPDATA": str(tmp_path / "local"),
    }
    assert config_path(ClientKind.CLAUDE_DESKTOP, env, "win32") == (
        tmp_path / "roaming/Claude/claude_desktop_config.json"
    )
    assert config_path(ClientKind.VSCODE, env, "win32") == tmp_path / "roaming/Code/User/mcp.json"
    assert config_path(ClientKind.CURSOR, env, "win32") == tmp_path / "profile/.cursor/mcp.json"


def test_windows_store_claude_desktop_path_when_it_exists(tmp_path: Path) -> None:
    env = {"USERPROFILE": str(tmp_path), "APPDATA": str(tmp_path / "roaming")}
    env["LOCALAPPDATA"] = str(tmp_path / "local")
    package = tmp_path / "local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude"
    (tmp_path / "local/Packages/Claude_pzs8sxrjxfjjc").mkdir(parents=True)
    # A package folder without the roaming folder is not the MSIX layout.
    assert config_path(ClientKind.CLAUDE_DESKTOP, env, "win32").parent == tmp_path / (
        "roaming/Claude"
    )
    package.mkdir(parents=True)
    assert config_path(ClientKind.CLAUDE_DESKTOP, env, "win32") == (
        package / "claude_desktop_config.json"
    )


def test_render_shapes_per_client() -> None:
    for kind in (ClientKind.CLAUDE_DESKTOP, ClientKind.CURSOR, ClientKind.WINDSURF):
        assert render(kind, TOKEN, COMMAND) == {
            "mcpServers": {
                "orderdesk": {"command": str(COMMAND), "args": [], "env": {TOKEN_ENV: TOKEN}}
            }
        }
    vscode = render(ClientKind.VSCODE, TOKEN, COMMAND)
    assert list(vscode) == ["servers"]
    assert vscode["servers"]["orderdesk"]["type"] == "stdio"
    code = render(ClientKind.CLAUDE_CODE, TOKEN, COMMAND)
    assert code["mcpServers"]["orderdesk"]["type"] == "stdio"


def test_default_command_is_the_venv_script() -> None:
    command = mcp_executable()
    assert command.is_absolute()
    assert command.name.startswith("orderdesk-mcp")
    assert command.is_file()
    assert command.parent == Path(sys.executable).absolute().parent


def test_frozen_command_is_beside_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "OrderDesk Tray" / "orderdesk-tray.exe"
    found = mcp_executable(str(bundle), frozen=True, platform="win32")
    assert found == bundle.parent / "orderdesk-mcp.exe"


def test_claude_code_command_line() -> None:
    argv = claude_code_command(TOKEN, COMMAND)
    assert argv[:3] == ["claude", "mcp", "add"]
    # The name before the variadic --env, or Claude Code reads it as a variable (issue 11).
    assert argv.index("orderdesk") < argv.index("--env")
    assert argv[-4:] == ["--env", f"{TOKEN_ENV}={TOKEN}", "--", str(COMMAND)]
    as_json = claude_code_add_json(TOKEN, COMMAND)
    assert as_json[:6] == ["claude", "mcp", "add-json", "--scope", "user", "orderdesk"]
    assert (
        json.loads(as_json[6])
        == render(ClientKind.CLAUDE_CODE, TOKEN, COMMAND)["mcpServers"]["orderdesk"]
    )
    assert shell_line(["a b", "c"], "linux") == "'a b' c"
    assert shell_line(["a b", "c"], "win32") == '"a b" c'


def test_install_links_follow_the_documented_formats() -> None:
    cursor = urllib.parse.urlsplit(cursor_install_link(TOKEN, COMMAND))
    assert (cursor.scheme, cursor.netloc, cursor.path) == (
        "cursor",
        "anysphere.cursor-deeplink",
        "/mcp/install",
    )
    query = urllib.parse.parse_qs(cursor.query)
    assert query["name"] == ["orderdesk"]
    config = json.loads(base64.b64decode(query["config"][0]))
    assert config == render(ClientKind.CURSOR, TOKEN, COMMAND)["mcpServers"]["orderdesk"]
    vscode = vscode_install_link(COMMAND)
    assert vscode.startswith("vscode:mcp/install?") and TOKEN not in vscode
    server = json.loads(urllib.parse.unquote(vscode.removeprefix("vscode:mcp/install?")))
    assert server["name"] == "orderdesk" and server["command"] == str(COMMAND)
    assert server["env"] == {TOKEN_ENV: "${input:orderdesk_client_token}"}
    assert server["inputs"][0]["id"] == "orderdesk_client_token"
    assert server["inputs"][0]["password"] is True


@pytest.mark.parametrize("kind", list(ClientKind))
def test_merge_creates_a_missing_file(kind: ClientKind, home: Path) -> None:
    result = merge_into_file(kind, TOKEN, command=COMMAND)
    assert result.path == config_path(kind)
    assert result.backup_path is None
    assert json.loads(result.path.read_text()) == render(kind, TOKEN, COMMAND)


@pytest.mark.parametrize("kind", list(ClientKind))
def test_merge_keeps_other_servers_and_keys(kind: ClientKind, home: Path) -> None:
    target = config_path(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    key = "servers" if kind is ClientKind.VSCODE else "mcpServers"
    before = {
        "theme": "dark",
        key: {"other": {"command": "other-mcp", "args": ["--x"]}},
        "numbers": [1, 2.5, None],
    }
    original = json.dumps(before, indent=4)
    target.write_text(original)
    result = merge_into_file(kind, TOKEN, command=COMMAND)
    after = json.loads(target.read_text())
    assert after["theme"] == "dark" and after["numbers"] == [1, 2.5, None]
    assert after[key]["other"] == before[key]["other"]
    assert after[key]["orderdesk"]["env"] == {TOKEN_ENV: TOKEN}
    assert not result.replaced
    assert result.backup_path is not None
    assert result.backup_path.read_text() == original
    assert result.backup_path.parent == target.parent


def test_merge_replaces_our_old_entry_and_backs_up_each_time(home: Path) -> None:
    first = merge_into_file(ClientKind.CURSOR, "odt_old", command=COMMAND)
    second = merge_into_file(ClientKind.CURSOR, TOKEN, command=COMMAND)
    third = merge_into_file(ClientKind.CURSOR, TOKEN, command=COMMAND)
    assert first.backup_path is None
    assert second.replaced and second.backup_path is not None
    assert third.backup_path is not None and third.backup_path != second.backup_path
    assert "odt_old" in second.backup_path.read_text()
    data = json.loads(first.path.read_text())
    assert data["mcpServers"]["orderdesk"]["env"][TOKEN_ENV] == TOKEN


@POSIX_ONLY
def test_written_file_and_backup_are_user_only(home: Path) -> None:
    target = config_path(ClientKind.WINDSURF)
    target.parent.mkdir(parents=True)
    target.write_text("{}")
    target.chmod(0o644)
    result = merge_into_file(ClientKind.WINDSURF, TOKEN, command=COMMAND)
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert result.backup_path is not None
    assert stat.S_IMODE(result.backup_path.stat().st_mode) == 0o600
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


@POSIX_ONLY
def test_a_symlinked_config_stays_a_symlink(home: Path, tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "mcp.json"
    real.parent.mkdir()
    real.write_text('{"mcpServers": {}}')
    link = config_path(ClientKind.CURSOR)
    link.parent.mkdir()
    link.symlink_to(real)
    merge_into_file(ClientKind.CURSOR, TOKEN, command=COMMAND)
    assert link.is_symlink()
    assert "orderdesk" in json.loads(real.read_text())["mcpServers"]


@pytest.mark.parametrize("kind", list(ClientKind))
@pytest.mark.parametrize("text", ['{"mcpServers": {', "[1, 2]", '{"a": 1} trailing'])
def test_invalid_json_is_refused_and_untouched(kind: ClientKind, text: str, home: Path) -> None:
    target = config_path(kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    with pytest.raises(ConfigFileError, match="untouched"):
        merge_into_file(kind, TOKEN, command=COMMAND)
    with pytest.raises(ConfigFileError):
        check_file(kind)
    assert target.read_text() == text
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_servers_key_of_the_wrong_type_is_refused(home: Path) -> None:
    target = config_path(ClientKind.CURSOR)
    target.parent.mkdir(parents=True)
    target.write_text('{"mcpServers": []}')
    with pytest.raises(ConfigFileError, match="not an object"):
        merge_into_file(ClientKind.CURSOR, TOKEN, command=COMMAND)
    assert target.read_text() == '{"mcpServers": []}'


def test_comments_are_refused_outside_vscode(home: Path) -> None:
    target = config_path(ClientKind.CURSOR)
    target.parent.mkdir(parents=True)
    target.write_text('{\n  // my servers\n  "mcpServers": {}\n}')
    with pytest.raises(ConfigFileError, match="not valid JSON"):
        merge_into_file(ClientKind.CURSOR, TOKEN, command=COMMAND)


def test_vscode_jsonc_is_merged_and_comments_reported(home: Path) -> None:
    target = config_path(ClientKind.VSCODE)
    target.parent.mkdir(parents=True)
    original = (
        '{\n  // servers I use\n  "servers": {\n    "web": {"url": "http://x/*y*/"},'
        '\n  },\n  /* block\n comment */ "inputs": [],\n}\n'
    )
    target.write_text(original)
    result = merge_into_file(ClientKind.VSCODE, TOKEN, command=COMMAND)
    assert result.comments_dropped
    data = json.loads(target.read_text())
    assert data["servers"]["web"] == {"url": "http://x/*y*/"}
    assert data["inputs"] == []
    assert data["servers"]["orderdesk"]["type"] == "stdio"
    assert result.backup_path is not None and result.backup_path.read_text() == original


def test_strip_jsonc_keeps_strings_intact() -> None:
    text = '{"a": "// not a comment", "b": "x\\"y, ]", "c": [1,2,], /* c */ "d": 1 // end\n}'
    plain, found = strip_jsonc(text)
    assert found
    assert json.loads(plain) == {"a": "// not a comment", "b": 'x"y, ]', "c": [1, 2], "d": 1}
    assert strip_jsonc('{"a": 1}') == ('{"a": 1}', False)


def test_blank_file_counts_as_empty(home: Path) -> None:
    target = config_path(ClientKind.CLAUDE_DESKTOP)
    target.parent.mkdir(parents=True)
    target.write_text("  \n")
    result = merge_into_file(ClientKind.CLAUDE_DESKTOP, TOKEN, command=COMMAND)
    assert json.loads(target.read_text()) == render(ClientKind.CLAUDE_DESKTOP, TOKEN, COMMAND)
    assert result.backup_path is not None


@pytest.mark.parametrize(
    ("entry", "ours"),
    [
        ({"command": "/home/me/.venv/bin/orderdesk-mcp", "args": []}, True),
        ({"command": "C:\\Program Files\\OrderDesk Tray\\orderdesk-mcp.exe"}, True),
        ({"command": "/Applications/OrderDesk Tray.app/Contents/MacOS/orderdesk-mcp"}, True),
        ({"command": "orderdesk-mcp"}, True),
        ({"command": "npx", "args": ["orderdesk-mcp"]}, False),
        ({"command": "/opt/orderdesk-mcp-server"}, False),
        ({"url": "http://127.0.0.1:8765/mcp"}, False),
        ({"command": ""}, False),
        ("orderdesk-mcp", False),
    ],
)
def test_our_entry_is_the_one_that_launches_orderdesk_mcp(entry: object, ours: bool) -> None:
    assert is_our_entry(entry) is ours


def test_remove_leaves_a_file_without_our_entry_alone(home: Path) -> None:
    target = config_path(ClientKind.VSCODE)
    target.parent.mkdir(parents=True)
    text = '{\n  // mine\n  "servers": {"other": {"command": "x"}}\n}\n'
    target.write_text(text)
    result = remove_from_file(ClientKind.VSCODE)
    assert result.removed == () and result.backup_path is None
    assert target.read_text() == text  # comments kept: the file was not rewritten
    assert remove_from_file(ClientKind.CURSOR).removed == ()
    assert not config_path(ClientKind.CURSOR).exists()
