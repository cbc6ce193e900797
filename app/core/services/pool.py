"""``ClientPool``: one Order Desk client and one leaky bucket per store, on the engine loop.

Clients are made lazily from the store row and the API key in the secret store (read in a
worker thread, one read per store at a time). Each store also
gets a *single-shot* client that shares the same bucket but never retries by itself: the update
path uses it for the PUT so that a failed PUT is repeated only after a fresh read
(docs/architecture.md, "Updates and conflicts").
Buckets are keyed by (API URL, Order Desk store id), the identity of Order Desk's own bucket,
so they survive a client being recreated; their state lives in a file per bucket in the data
folder, so every process on the machine (tray, ``serve``, CLI) shares one budget per store
(docs/architecture.md, "Threads and loops").
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from app.core import paths, settings
from app.core.orderdesk import LeakyBucket, OrderDeskClient, RetryPolicy, resolve_base_url
from app.core.secrets import SecretStore
from app.core.services.errors import MissingCredentialsError
from app.core.services.records import StoreRecord

log = logging.getLogger(__name__)

_ONE_ATTEMPT = RetryPolicy(max_attempts=1)
WAIT_DEADLINE_SETTING = "orderdesk.wait_deadline"


@dataclass
class _Pooled:
    fingerprint: tuple[str, str]
    client: OrderDeskClient
    single_shot: OrderDeskClient


class ClientPool:
    """Order Desk clients by store; every method must run on the engine loop.

    Args:
        secrets: Where API keys live (keyed by our store id).
        retry: Retry policy of the normal clients (the default allows 5 attempts).
        timeout: Seconds for connect, read and write.
    """

    def __init__(
        self, secrets: SecretStore, *, retry: RetryPolicy | None = None, timeout: float = 30.0
    ) -> None:
        self._secrets = secrets
        self._retry = retry
        self._timeout = timeout
        self._pooled: dict[int, _Pooled] = {}
        self._buckets: dict[tuple[str, str], LeakyBucket] = {}
        self._making: dict[int, asyncio.Lock] = {}

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy used for normal clients (and by the update loop)."""
        return self._retry or RetryPolicy()

    async def client(self, store: StoreRecord) -> OrderDeskClient:
        """The store's client (retries GET/PUT/DELETE itself), made on first use."""
        return (await self._entry(store)).client

    async def single_shot(self, store: StoreRecord) -> OrderDeskClient:
        """The store's client that makes exactly one attempt per call (same bucket)."""
        return (await self._entry(store)).single_shot

    def limiter(self, store: StoreRecord) -> LeakyBucket:
        """The store's shared bucket (made on first use)."""
        return self._bucket(_fingerprint(store))

    def _bucket(self, fingerprint: tuple[str, str]) -> LeakyBucket:
        bucket = self._buckets.get(fingerprint)
        if bucket is None:
            bucket = self._buckets[fingerprint] = LeakyBucket(shared=bucket_file(fingerprint))
        return bucket

    async def _entry(self, store: StoreRecord) -> _Pooled:
        fingerprint = _fingerprint(store)
        pooled = self._pooled.get(store.id)
        if pooled is not None and pooled.fingerprint == fingerprint:
            return pooled
        async with self._making.setdefault(store.id, asyncio.Lock()):
            return await self._make_entry(store, fingerprint)

    async def _make_entry(self, store: StoreRecord, fingerprint: tuple[str, str]) -> _Pooled:
        pooled = self._pooled.get(store.id)
        if pooled is not None and pooled.fingerprint == fingerprint:
            return pooled  # made while this caller waited
        if pooled is not None:
            await self.discard(store.id)
        # A worker thread: a vault unlock (bcrypt + scrypt, ~0.3 s) or a passphrase prompt
        # must not stop the engine loop (at start-up it serves the first MCP requests).
        api_key = await asyncio.to_thread(self._secrets.get, store.key)
        if not api_key:
            raise MissingCredentialsError(
                f"No API key is stored for store {store.name!r}; register the store again"
                " (Order Desk: Store Settings > API)."
            )
        bucket = self._bucket(fingerprint)
        deadline = _wait_deadline()
        retry = self._retry or RetryPolicy(wait_deadline=deadline)
        made = _Pooled(
            fingerprint,
            self._make(store, api_key, bucket, retry),
            self._make(store, api_key, bucket, replace(_ONE_ATTEMPT, wait_deadline=deadline)),
        )
        self._pooled[store.id] = made
        return made

    def _make(
        self, store: StoreRecord, api_key: str, bucket: LeakyBucket, retry: RetryPolicy | None
    ) -> OrderDeskClient:
        return OrderDeskClient(
            store.orderdesk_store_id,
            api_key,
            base_url=store.api_url,
            limiter=bucket,
            retry=retry,
            timeout=self._timeout,
        )

    async def discard(self, store_id: int) -> None:
        """Close and forget a store's clients (after its key or URL changed, or it was removed).

        Args:
            store_id: Our id of the store.
        """
        pooled = self._pooled.pop(store_id, None)
        if pooled is not None:
            await pooled.client.aclose()
            await pooled.single_shot.aclose()

    async def aclose(self) -> None:
        """Close every client (the engine calls this at stop)."""
        for store_id in list(self._pooled):
            await self.discard(store_id)


def _wait_deadline() -> float:
    """The ``orderdesk.wait_deadline`` setting (the default when the settings cannot be read)."""
    try:
        return float(settings.get_int(WAIT_DEADLINE_SETTING))
    except Exception:  # no database bound (a bare pool in a test)
        return RetryPolicy().wait_deadline


def bucket_file(fingerprint: tuple[str, str]) -> Path:
    """The file holding the shared bucket of one Order Desk store (API URL, store id)."""
    digest = hashlib.sha256("\n".join(fingerprint).encode("utf-8")).hexdigest()[:32]
    return paths.ensure_private_dir(paths.data_home() / "buckets") / f"{digest}.bucket"


def _fingerprint(store: StoreRecord) -> tuple[str, str]:
    return (resolve_base_url(store.api_url), store.orderdesk_store_id)
