"""Pure functions that turn Order Desk records into what an MCP tool returns.

No MCP, no I/O: detail levels, ``fields`` selection, the delimited untrusted-text group,
money as Decimal text and paging hints. Tool handlers call these and only translate.
"""

from app.mcp.shaping.orders import ORDER_FIELDS, customer_name, full_order, shape_order
from app.mcp.shaping.paging import page_info
from app.mcp.shaping.products import PRODUCT_FIELDS, full_product, shape_product
from app.mcp.shaping.records import DETAILS, Detail, project
from app.mcp.shaping.untrusted import (
    NOTICE_KEY,
    UNTRUSTED_DESCRIPTION,
    UNTRUSTED_HINT,
    UNTRUSTED_KEY,
    UNTRUSTED_NOTICE,
    group,
)
from app.mcp.shaping.values import money_text, plain

__all__ = [
    "DETAILS",
    "NOTICE_KEY",
    "ORDER_FIELDS",
    "PRODUCT_FIELDS",
    "UNTRUSTED_DESCRIPTION",
    "UNTRUSTED_HINT",
    "UNTRUSTED_KEY",
    "UNTRUSTED_NOTICE",
    "Detail",
    "customer_name",
    "full_order",
    "full_product",
    "group",
    "money_text",
    "page_info",
    "plain",
    "project",
    "shape_order",
    "shape_product",
]
