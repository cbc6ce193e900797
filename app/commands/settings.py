"""``orderdesk-mcp settings list [--json] | get KEY | set KEY VALUE | reset KEY``: app settings.

The same settings the tray's Settings window shows (``app.core.settings.SETTINGS``), read and
written in the data folder's database; a running tray reads most of them at their next use,
the serving ones (socket, HTTP port) at its next start.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.commands import EXIT_OK, CommandError
from app.commands.runtime import print_error, storage

_TRUE = frozenset({"true", "on", "yes", "1"})
_FALSE = frozenset({"false", "off", "no", "0"})


def register(subparsers: Any) -> None:
    """Add the ``settings`` command and its sub-commands."""
    parser = subparsers.add_parser(
        "settings",
        help="show or change the app's settings",
        description="Show or change the settings of the tray's Settings window.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every setting, its value and what it does")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=list_settings)
    get = actions.add_parser("get", help="print one setting's value")
    get.add_argument("key", metavar="KEY")
    get.set_defaults(handler=get_setting)
    change = actions.add_parser("set", help="change one setting")
    change.add_argument("key", metavar="KEY")
    change.add_argument("value", metavar="VALUE", help="true/false, a number or text")
    change.set_defaults(handler=set_setting)
    reset = actions.add_parser("reset", help="put one setting back to its default")
    reset.add_argument("key", metavar="KEY")
    reset.set_defaults(handler=reset_setting)


def list_settings(args: argparse.Namespace) -> int:
    """Print every setting (a table, or JSON with --json)."""
    from app.core import settings

    with storage():
        rows = [(spec, settings.get(spec.key)) for spec in settings.SETTINGS]
    if args.json:
        print(json.dumps({spec.key: value for spec, value in rows}, indent=2))
        return EXIT_OK
    width = max(len(spec.key) for spec, _ in rows)
    for spec, value in rows:
        marker = "" if value == spec.default else "  (changed)"
        print(f"{spec.key:<{width}}  {_text(value):<8}  {spec.description}{marker}")
    return EXIT_OK


def get_setting(args: argparse.Namespace) -> int:
    """Print one setting's value."""
    from app.core import settings

    with storage():
        print(_text(settings.get(_known(args.key))))
    return EXIT_OK


def set_setting(args: argparse.Namespace) -> int:
    """Store a new value, parsed by the setting's type."""
    from app.core import settings

    key = _known(args.key)
    value = parse_value(settings.spec_for(key).type, args.value, key)
    with storage():
        settings.set_value(key, value)
    print_error(f"{key} = {_text(value)}")
    return EXIT_OK


def reset_setting(args: argparse.Namespace) -> int:
    """Put a setting back to its default."""
    from app.core import settings

    key = _known(args.key)
    with storage():
        settings.reset(key)
        value = settings.get(key)
    print_error(f"{key} = {_text(value)} (the default)")
    return EXIT_OK


def parse_value(kind: type, text: str, key: str) -> bool | int | float | str:
    """``text`` as the setting's type.

    Raises:
        CommandError: The text is not a value of that type.
    """
    word = text.strip().casefold()
    if kind is bool:
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise CommandError(f"{key} takes true or false (also on/off, yes/no), not {text!r}.")
    try:
        if kind is int:
            return int(word)
        if kind is float:
            return float(word)
    except ValueError:
        raise CommandError(f"{key} takes a number, not {text!r}.") from None
    return text


def _known(key: str) -> str:
    from app.core import settings

    try:
        return settings.spec_for(key).key
    except settings.SettingError:
        known = ", ".join(spec.key for spec in settings.SETTINGS)
        raise CommandError(f"No setting {key!r}. Settings: {known}.") from None


def _text(value: object) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)
