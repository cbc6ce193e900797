"""``orderdesk-mcp settings``: list, get, set (typed), reset, and clear refusals."""

from __future__ import annotations

import json
from typing import Any

from app.core.settings import SETTINGS

Cli = Any


def test_list_get_set_reset(cli: Cli) -> None:
    listed = cli("settings", "list", "--json")
    assert listed.code == 0
    values = json.loads(listed.out)
    assert values == {spec.key: spec.default for spec in SETTINGS}
    assert "start_at_login" not in values  # the OS login entry is no setting (lifecycle)
    assert cli("settings", "get", "mcp.result_budget_tokens").out.strip() == "8000"
    assert cli("settings", "set", "mcp.result_budget_tokens", "12000").code == 0
    assert cli("settings", "set", "mcp.http_enabled", "ON").code == 0
    assert cli("settings", "set", "log.level", "DEBUG").code == 0
    assert cli("settings", "get", "mcp.result_budget_tokens").out.strip() == "12000"
    assert cli("settings", "get", "mcp.http_enabled").out.strip() == "true"
    table = cli("settings", "list").out
    assert "mcp.result_budget_tokens" in table and "(changed)" in table
    assert cli("settings", "reset", "mcp.http_enabled").code == 0
    assert cli("settings", "get", "mcp.http_enabled").out.strip() == "false"


def test_refusals_say_what_is_wrong(cli: Cli) -> None:
    unknown = cli("settings", "get", "mcp.nope")
    assert unknown.code == 1 and "No setting 'mcp.nope'" in unknown.err
    assert "mcp.result_budget_tokens" in unknown.err
    not_bool = cli("settings", "set", "mcp.paused", "maybe")
    assert not_bool.code == 1 and "true or false" in not_bool.err
    not_number = cli("settings", "set", "mcp.http_port", "eighty")
    assert not_number.code == 1 and "a number" in not_number.err
    out_of_range = cli("settings", "set", "mcp.http_port", "70000")
    assert out_of_range.code == 1 and "between" in out_of_range.err
    wrong_choice = cli("settings", "set", "log.level", "LOUD")
    assert wrong_choice.code == 1 and "one of" in wrong_choice.err
