"""HTTP client for Order Desk API v2: requests, limiter, retries, errors and typed results.

Start with :class:`OrderDeskClient`. Errors are all :class:`OrderDeskError` subclasses; records
are read-only views that keep the server's dict in ``raw``.
"""

from app.core.orderdesk.client import OrderDeskClient
from app.core.orderdesk.connection import DEFAULT_BASE_URL, USER_AGENT, resolve_base_url
from app.core.orderdesk.errors import (
    AuthError,
    ConflictError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    OrderDeskError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
    StoreBusyError,
    ValidationError,
)
from app.core.orderdesk.limiter import LeakyBucket
from app.core.orderdesk.models import (
    InventoryItem,
    InventoryPage,
    Order,
    OrderItem,
    OrderPage,
    Page,
    RecordView,
    Shipment,
)
from app.core.orderdesk.pager import iterate_pages
from app.core.orderdesk.results import (
    ActionResult,
    BatchItemResult,
    BatchResult,
    ConnectionTest,
    MovedOrder,
    MoveResult,
    StoreSettings,
)
from app.core.orderdesk.retry import RetryPolicy
from app.core.orderdesk.values import format_datetime, to_date, to_datetime, to_id, to_money

__all__ = [
    "DEFAULT_BASE_URL",
    "USER_AGENT",
    "ActionResult",
    "AuthError",
    "BatchItemResult",
    "BatchResult",
    "ConflictError",
    "ConnectionTest",
    "InvalidResponseError",
    "InventoryItem",
    "InventoryPage",
    "LeakyBucket",
    "MoveResult",
    "MovedOrder",
    "NetworkError",
    "NotFoundError",
    "Order",
    "OrderDeskClient",
    "OrderDeskError",
    "OrderItem",
    "OrderPage",
    "Page",
    "RateLimitedError",
    "RecordView",
    "RequestTimeout",
    "RetryPolicy",
    "ServerError",
    "Shipment",
    "StoreBusyError",
    "StoreSettings",
    "ValidationError",
    "format_datetime",
    "iterate_pages",
    "resolve_base_url",
    "to_date",
    "to_datetime",
    "to_id",
    "to_money",
]
