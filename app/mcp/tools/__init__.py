"""The MCP tools, one module per group; :func:`all_tools` lists them in a stable order.

The groups are imported when first asked for, so :func:`find_tool` can load one tool (its
handler and input model) without the others: ``serve --stdio`` answers an early read that way
before the rest of the server is loaded.
"""

from __future__ import annotations

import importlib
from typing import Any

from app.mcp.tools.base import ToolSpec
from app.mcp.tools.context import Call, McpContext

__all__ = ["GROUPS", "Call", "McpContext", "ToolSpec", "all_tools", "find_tool"]

GROUPS = (
    "session",
    "stores",
    "orders_read",
    "orders_local",
    "orders_write",
    "order_lines",
    "shipments",
    "products",
)
"""The tool modules, in listing order: session, stores, orders (live, local index, writes),
order lines, shipments, products. Each has a ``TOOLS`` list."""


def group_tools(group: str) -> list[ToolSpec[Any]]:
    """The tools of one group (imports its module on first use)."""
    tools: list[ToolSpec[Any]] = importlib.import_module(f"app.mcp.tools.{group}").TOOLS
    return tools


def all_tools() -> list[ToolSpec[Any]]:
    """Every tool, grouped (see :data:`GROUPS`)."""
    return [spec for group in GROUPS for spec in group_tools(group)]


def find_tool(name: str) -> ToolSpec[Any] | None:
    """The tool called ``name``, importing the groups in order only until it is found."""
    for group in GROUPS:
        for spec in group_tools(group):
            if spec.name == name:
                return spec
    return None
