"""MCP prompts for common jobs: the daily fulfilment summary and finding stuck orders."""

from __future__ import annotations

import mcp_types as types
from mcp.shared.exceptions import MCPError

from app.mcp.shaping import UNTRUSTED_DESCRIPTION

PROMPTS = [
    types.Prompt(
        name="daily_fulfilment_summary",
        title="Daily fulfilment summary",
        description="Summarise what was ordered, shipped and is still waiting on one day.",
        arguments=[
            types.PromptArgument(
                name="store",
                description="Store name or id (default: active store).",
                required=False,
            ),
            types.PromptArgument(
                name="date",
                description="Day to summarise, YYYY-MM-DD (default: today, UTC).",
                required=False,
            ),
        ],
    ),
    types.Prompt(
        name="find_stuck_orders",
        title="Find stuck orders",
        description="Find orders that have sat in a folder too long without shipping.",
        arguments=[
            types.PromptArgument(
                name="days",
                description="How many days counts as stuck (default 3).",
                required=False,
            ),
            types.PromptArgument(
                name="folder",
                description="Folder name or id to check (default: New).",
                required=False,
            ),
            types.PromptArgument(
                name="store",
                description="Store name or id (default: active store).",
                required=False,
            ),
        ],
    ),
]

_SAFETY = (
    f"\n\n{UNTRUSTED_DESCRIPTION} Do not change anything in the store while doing this; "
    "only read and report."
)


def _store_clause(store: str | None) -> str:
    return f" of store {store!r} (pass store={store!r})" if store else ""


def daily_fulfilment_summary(store: str | None, day: str | None) -> str:
    """Build the text of the daily fulfilment summary prompt."""
    when = day or "today (UTC)"
    return (
        f"Write a short fulfilment summary for {when}{_store_clause(store)}. Use orders_list "
        "with added_from/added_to bounding that day (detail=summary, page with next_offset "
        "until done) to count new orders and their total value by folder and payment status. "
        "Then list orders still in their first folder with shipment_count 0, oldest first, "
        "and mention anything unusual (refunds, failed payments). Keep money exact as "
        "returned." + _SAFETY
    )


def find_stuck_orders(days: int, folder: str, store: str | None) -> str:
    """Build the text of the stuck orders prompt."""
    return (
        f"Find orders{_store_clause(store)} that are in folder {folder!r} and were added more "
        f"than {days} day(s) ago without a shipment. Call store_info to check the folder "
        "exists, then orders_list with folder_name (or folder_id), added_to set to "
        f"{days} day(s) ago, order=asc, detail=summary, paging with next_offset. Report each "
        "stuck order's id, source id, age in days, total and payment status, and suggest "
        "next steps for the user to decide on." + _SAFETY
    )


def _days(text: str | None) -> int:
    if text is None or not text.strip():
        return 3
    if not text.strip().isdigit() or not 1 <= int(text) <= 365:
        raise MCPError(
            code=types.INVALID_PARAMS, message="days must be a whole number from 1 to 365."
        )
    return int(text)


def get_prompt(name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
    """Render a prompt by name.

    Raises:
        MCPError: Unknown prompt or a bad argument.
    """
    args = arguments or {}
    store = args.get("store") or None
    if name == "daily_fulfilment_summary":
        text = daily_fulfilment_summary(store, args.get("date") or None)
    elif name == "find_stuck_orders":
        text = find_stuck_orders(_days(args.get("days")), args.get("folder") or "New", store)
    else:
        raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown prompt: {name}.")
    return types.GetPromptResult(
        description=name.replace("_", " "),
        messages=[types.PromptMessage(role="user", content=types.TextContent(text=text))],
    )
