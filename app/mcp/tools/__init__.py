"""The MCP tools, one module per group; :func:`all_tools` lists them in a stable order."""

from __future__ import annotations

from typing import Any

from app.mcp.tools import (
    order_lines,
    orders_local,
    orders_read,
    orders_write,
    products,
    session,
    shipments,
    stores,
)
from app.mcp.tools.base import ToolSpec
from app.mcp.tools.context import Call, McpContext

__all__ = ["Call", "McpContext", "ToolSpec", "all_tools"]


def all_tools() -> list[ToolSpec[Any]]:
    """Every tool, grouped: session, stores, orders (live, local index, writes), order lines,
    shipments, products."""
    return [
        *session.TOOLS,
        *stores.TOOLS,
        *orders_read.TOOLS,
        *orders_local.TOOLS,
        *orders_write.TOOLS,
        *order_lines.TOOLS,
        *shipments.TOOLS,
        *products.TOOLS,
    ]
