"""``orderdesk-mcp config CLIENT [--client NAME] [--write | --remove]``: an AI client's entry.

``orderdesk-mcp config mcpb --out FILE`` writes a Claude Desktop extension instead: a ``.mcpb``
whose token is a sensitive setting Claude Desktop asks for at install (the file holds no secret).

Prints the entry (or, for Claude Code, the ``claude mcp add`` command) or merges it into the
client's config file. A token's plaintext is never stored, so the entry needs a new client
token, or the token of an existing client passed in ``ORDERDESK_TRAY_TOKEN``.

``--remove`` takes out only the entry this app wrote (other servers stay; a backup is made);
``config all --remove`` does it for every client (the Windows uninstaller runs it). It needs no
database, so it works even when the data folder is gone.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.commands import EXIT_OK, CommandError
from app.commands.runtime import print_error, storage

if TYPE_CHECKING:
    from app.core.access import ClientRegistry
    from app.core.client_configs import ClientKind

_CLIENT_CHOICES = ("claude", "claude-code", "cursor", "vscode", "windsurf")
ALL_CLIENTS = "all"
MCPB = "mcpb"


def register(subparsers: Any) -> None:
    """Add the ``config`` command."""
    parser = subparsers.add_parser(
        "config",
        help="print or write an AI client's config entry",
        description="Print the MCP server entry for an AI client, or merge it into the "
        "client's config file with --write (other servers are kept; a backup is made).",
    )
    parser.add_argument(
        "kind",
        choices=(*_CLIENT_CHOICES, MCPB, ALL_CLIENTS),
        help="the AI client ('all' only with --remove; 'mcpb': a Claude Desktop extension "
        "file, with --out)",
    )
    parser.add_argument(
        "--out", metavar="FILE", help="with 'mcpb': where to write the .mcpb extension"
    )
    parser.add_argument(
        "--link",
        action="store_true",
        help="with cursor or vscode: print a one-click install link instead (Cursor's carries "
        "the token; VS Code asks for it and keeps it as a secret)",
    )
    parser.add_argument(
        "--client",
        metavar="NAME",
        help="client token name (default: the product name, e.g. 'Cursor'); a new name gets "
        "a new read-only token, an existing one needs its token in ORDERDESK_TRAY_TOKEN",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="merge into the config file")
    action.add_argument(
        "--remove",
        action="store_true",
        help="remove the entry this app wrote from the config file (others are kept; a backup "
        "is made)",
    )
    parser.set_defaults(handler=configure_client)


def configure_client(args: argparse.Namespace) -> int:
    """Print, write or remove the entry for the chosen AI client."""
    if args.kind == MCPB:
        return write_extension(args)
    if args.link:
        return print_link(args)
    if args.remove:
        return remove_entries(args.kind)
    if args.kind == ALL_CLIENTS:
        raise CommandError("'all' works only with --remove: name one AI client.")
    from app.core.access import AccessError, ClientRegistry
    from app.core.client_configs import ClientKind, ConfigFileError, check_file

    kind = ClientKind(args.kind)
    name = (args.client or kind.display_name).strip()
    with storage():
        registry = ClientRegistry()
        try:
            if args.write:
                check_file(kind)  # refuse a broken file before a token is made
            token, created = _token_for(registry, name)
            if args.write:
                _write(kind, token, name, created, registry)
            else:
                _print(kind, token)
        except (AccessError, ConfigFileError) as exc:
            raise CommandError(str(exc)) from exc
    if created:
        print_error(
            f"Created client {name!r} with the 'read' scope and policy 'ask'. To grant more, "
            f"revoke it and run `orderdesk-mcp clients add {shlex.quote(name)} --scopes ...`, then "
            "run this command again with that token in ORDERDESK_TRAY_TOKEN."
        )
    return EXIT_OK


def print_link(args: argparse.Namespace) -> int:
    """Print the Cursor or VS Code install link (a new client's token as for the entry)."""
    from app.core.access import ClientRegistry
    from app.core.client_configs import ClientKind, cursor_install_link, vscode_install_link

    if args.kind not in ("cursor", "vscode") or args.write or args.remove:
        raise CommandError("--link works with cursor or vscode, without --write/--remove.")
    kind = ClientKind(args.kind)
    name = (args.client or kind.display_name).strip()
    with storage():
        registry = ClientRegistry()
        if kind is ClientKind.CURSOR:
            token, created = _token_for(registry, name)
            print(cursor_install_link(token))
            print_error("Open the link above (it holds the client token: keep it private).")
        else:
            created = registry.get(name) is None
            token = registry.add(name)[1] if created else ""
            print(vscode_install_link())
            print_error("Open the link above; VS Code asks for the client token.")
            if created:
                print_error(f"The token of the new client {name!r}: {token}")
    if created:
        print_error(f"Created client {name!r} with the 'read' scope and policy 'ask'.")
    return EXIT_OK


def write_extension(args: argparse.Namespace) -> int:
    """Write the Claude Desktop extension; make a client token for it when none exists."""
    from app.core.client_configs import ClientKind
    from app.core.client_configs.mcpb import write_bundle
    from app.resources import resource_path

    if not args.out or args.write or args.remove:
        raise CommandError("Use: orderdesk-mcp config mcpb --out FILE.mcpb [--client NAME]")
    out = Path(args.out).expanduser()
    if out.suffix != ".mcpb":
        out = out.with_name(out.name + ".mcpb")
    try:
        write_bundle(out, icon=resource_path("icons/orderdesk-tray-512.png"))
    except OSError as exc:
        raise CommandError(f"Could not write {out}: {exc.strerror or exc}.") from exc
    print_error(f"Wrote the Claude Desktop extension {out}. Open it with Claude Desktop.")
    name = (args.client or ClientKind.CLAUDE_DESKTOP.display_name).strip()
    from app.core.access import ClientRegistry

    with storage():
        registry = ClientRegistry()
        if registry.get(name) is not None:
            print_error(
                f"When Claude Desktop asks for the client token, give the token of client "
                f"{name!r}; it cannot be shown again, so if it is lost run this again with "
                "--client NEWNAME for a new one."
            )
            return EXIT_OK
        _, token = registry.add(name)
    print(token)
    print_error(
        f"Created client {name!r} with the 'read' scope and policy 'ask'; its token is above. "
        "Paste it when Claude Desktop asks for the client token (Claude keeps it in the "
        "keychain). Widen its scopes in the tray's Connect window."
    )
    return EXIT_OK


def _token_for(registry: ClientRegistry, name: str) -> tuple[str, bool]:
    """Return the token to put in the entry and whether a new client was created."""
    from app.core.client_configs import TOKEN_ENV

    if registry.get(name) is None:
        _, token = registry.add(name)
        return token, True
    presented = os.environ.get(TOKEN_ENV, "").strip()
    if presented and registry.authenticate(presented).name == name:
        return presented, False
    raise CommandError(
        f"A client named {name!r} exists and its token cannot be shown again. Put its token "
        f"in {TOKEN_ENV} and run this again, pass --client NEWNAME for a new token, or "
        f"revoke it first (`orderdesk-mcp clients revoke {shlex.quote(name)}`)."
    )


def _write(
    kind: ClientKind, token: str, name: str, created: bool, registry: ClientRegistry
) -> None:
    from app.core.client_configs import ConfigFileError, merge_into_file

    try:
        result = merge_into_file(kind, token)
    except (ConfigFileError, OSError) as exc:
        if created:
            registry.revoke(name)
        if isinstance(exc, OSError):
            raise CommandError(f"Could not write the config file: {exc}") from exc
        raise
    backup = f" (previous file saved as {result.backup_path})" if result.backup_path else ""
    print_error(f"Wrote the 'orderdesk' server into {result.path}{backup}.")
    if result.comments_dropped:
        print_error("The old file's comments are not in the new file; the backup keeps them.")
    print_error(f"Restart {kind.display_name} to load it.")


def _print(kind: ClientKind, token: str) -> None:
    from app.core.client_configs import (
        ClientKind,
        claude_code_command,
        config_path,
        render,
        shell_line,
    )

    if kind is ClientKind.CLAUDE_CODE:
        print(shell_line(claude_code_command(token)))
        print_error("Run the command above, or use --write to merge into ~/.claude.json.")
        return
    print(json.dumps(render(kind, token), indent=2))
    print_error(f"Merge this into {config_path(kind)}, or run again with --write.")


def remove_entries(kind_name: str) -> int:
    """Remove our entry from one client's file, or from every client's (``all``)."""
    from app.core.client_configs import ClientKind

    names = _CLIENT_CHOICES if kind_name == ALL_CLIENTS else (kind_name,)
    failures = [message for name in names if (message := _remove_one(ClientKind(name)))]
    if failures:
        raise CommandError(" ".join(failures))
    print_error(
        "Client tokens stay registered until revoked: see `orderdesk-mcp clients list` and "
        "`orderdesk-mcp clients revoke NAME`."
    )
    return EXIT_OK


def _remove_one(kind: ClientKind) -> str:
    """Remove our entry from ``kind``'s file and say what happened; the failure, or ''."""
    from app.core.client_configs import ConfigFileError, remove_from_file

    try:
        result = remove_from_file(kind)
    except ConfigFileError as exc:
        return str(exc)
    except OSError as exc:
        return f"Could not change {kind.display_name}'s config file: {exc}."
    if result.removed:
        print_error(
            f"Removed the 'orderdesk' server from {result.path} (previous file saved as "
            f"{result.backup_path}). Restart {kind.display_name} to drop it."
        )
    elif result.kept:
        print_error(
            f"{result.path}: its 'orderdesk' server does not launch orderdesk-mcp, so it is "
            "not ours and was kept."
        )
    else:
        print_error(f"{kind.display_name}: no entry of ours in {result.path}; nothing changed.")
    return ""
