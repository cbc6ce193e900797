"""Config entries for AI clients (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf).

:func:`render` builds the entry; :func:`merge_into_file` writes it into the client's file, keeping
everything else, with a backup; :func:`remove_from_file` takes it out again. The entry launches
``orderdesk-mcp`` with the client's token in ``ORDERDESK_TRAY_TOKEN`` and never holds an Order Desk
API key.
"""

from app.core.client_configs.files import (
    ConfigFileError,
    MergeResult,
    RemoveResult,
    backup_file,
    check_file,
    is_our_entry,
    merge_into_file,
    read_config,
    remove_from_file,
    strip_jsonc,
    write_atomically,
)
from app.core.client_configs.locations import ClientKind, config_path, home_dir, mcp_executable
from app.core.client_configs.render import (
    SERVER_NAME,
    TOKEN_ENV,
    claude_code_add_json,
    claude_code_command,
    cursor_install_link,
    render,
    server_entry,
    servers_key,
    shell_line,
    vscode_install_link,
)

__all__ = [
    "SERVER_NAME",
    "TOKEN_ENV",
    "ClientKind",
    "ConfigFileError",
    "MergeResult",
    "RemoveResult",
    "backup_file",
    "check_file",
    "claude_code_add_json",
    "claude_code_command",
    "config_path",
    "cursor_install_link",
    "home_dir",
    "is_our_entry",
    "mcp_executable",
    "merge_into_file",
    "read_config",
    "remove_from_file",
    "render",
    "server_entry",
    "servers_key",
    "shell_line",
    "strip_jsonc",
    "vscode_install_link",
    "write_atomically",
]
