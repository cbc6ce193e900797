"""``OrderDeskClient``: every documented Order Desk API v2 endpoint for one store."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from app.core.orderdesk.connection import Connection
from app.core.orderdesk.errors import InvalidResponseError
from app.core.orderdesk.inventory_api import InventoryEndpoints
from app.core.orderdesk.limiter import LeakyBucket
from app.core.orderdesk.order_parts_api import OrderPartEndpoints
from app.core.orderdesk.orders_api import OrderEndpoints
from app.core.orderdesk.results import ConnectionTest, StoreSettings, first_mapping
from app.core.orderdesk.retry import RetryPolicy

if TYPE_CHECKING:
    import httpx


class OrderDeskClient(OrderEndpoints, OrderPartEndpoints, InventoryEndpoints):
    """Async client for one Order Desk store.

    Use it as ``async with OrderDeskClient(store_id, api_key) as client: ...``. All calls go
    through one :class:`LeakyBucket`; pass the same bucket to every client of the same store so
    they share Order Desk's per-store limit. GET, PUT and DELETE are retried on 429, 5xx,
    timeouts and dropped connections; a POST only on 429 or a connection that never opened.
    """

    def __init__(
        self,
        store_id: str | int,
        api_key: str,
        *,
        base_url: str | None = None,
        limiter: LeakyBucket | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Create a client.

        Args:
            store_id: The store's numeric id.
            api_key: The store's API key (never logged, never in an error message).
            base_url: The store's own API URL; else ``ORDERDESK_API_URL``, else the live API.
            limiter: Shared per-store bucket; a fresh one (20 tokens, +3/s) when omitted.
            retry: Retry bounds and backoff; the default allows 5 attempts.
            timeout: Seconds for connect, read and write each.
            transport: An httpx transport (``httpx.MockTransport`` in tests).
        """
        self._conn = Connection(
            str(store_id),
            api_key,
            base_url=base_url,
            limiter=limiter,
            retry=retry,
            timeout=timeout,
            transport=transport,
        )

    @property
    def store_id(self) -> str:
        """The store this client talks to."""
        return self._conn.store_id

    @property
    def base_url(self) -> str:
        """The API base URL in use."""
        return self._conn.base_url

    @property
    def limiter(self) -> LeakyBucket:
        """The store's request bucket."""
        return self._conn.limiter

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._conn.aclose()

    async def __aenter__(self) -> OrderDeskClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def test_connection(self) -> ConnectionTest:
        """Check the credentials and reachability (``GET /test``).

        Raises:
            AuthError: The store id or API key is wrong.
        """
        return ConnectionTest.from_envelope(await self._conn.request("GET", "/test"))

    async def get_store_settings(self) -> StoreSettings:
        """Fetch the store's settings and folders (``GET /store``).

        Raises:
            InvalidResponseError: Neither a ``store`` nor a ``settings`` object came back.
        """
        envelope = await self._conn.request("GET", "/store")
        settings = first_mapping(envelope, "store", "settings")
        if settings is None:
            raise InvalidResponseError(
                "the response has no 'store' object", status=200, method="GET", path="/store"
            )
        return StoreSettings(settings)
