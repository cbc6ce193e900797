"""``StoreService``: register, find, choose the default, inspect and remove stores.

A store's API key lives only in the secret store (under our store id); rows and results carry
no secret. Registration checks the key with ``GET /test`` first and saves nothing when it fails.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from app.core import logs
from app.core.db.models import Store, database
from app.core.events import STORE_CHANGED
from app.core.orderdesk import ConnectionTest, OrderDeskClient
from app.core.secrets import SecretStore
from app.core.services.context import ServiceContext
from app.core.services.errors import InvalidChangeError, StoreExistsError, StoreNotFoundError
from app.core.services.records import StoreInfo, StoreRecord
from app.core.services.store_info import forget_shared
from app.core.services.store_lookup import find_store

log = logging.getLogger(__name__)

DeleteHook = Callable[[StoreRecord], Awaitable[None] | None]


def store_record(row: Store) -> StoreRecord:
    """Turn a :class:`Store` row into a :class:`StoreRecord`."""
    return StoreRecord(
        id=row.id,
        name=row.name,
        orderdesk_store_id=row.orderdesk_store_id,
        api_url=row.api_url,
        is_default=bool(row.is_default),
        index_enabled=bool(row.index_enabled),
        created_at=row.created_at,
        updated_at=row.updated_at,
        is_demo=bool(row.is_demo),
    )


class StoreService:
    """Registered stores. Every method runs on the engine loop.

    Attributes:
        on_delete: Hooks called with the removed store after :meth:`delete` (e.g. the local
            order index drops its files). A hook may be a plain or an async function.
    """

    def __init__(
        self, ctx: ServiceContext, secrets: SecretStore, *, test_timeout: float = 20.0
    ) -> None:
        self._ctx = ctx
        self._secrets = secrets
        self._test_timeout = test_timeout
        self.on_delete: list[DeleteHook] = []

    async def check_credentials(
        self, orderdesk_store_id: str, api_key: str, api_url: str | None = None
    ) -> ConnectionTest:
        """Call ``GET /test`` with these credentials (nothing is saved).

        Raises:
            AuthError: Order Desk rejected the store id or key.
            OrderDeskError: Order Desk could not be reached.
        """
        async with OrderDeskClient(
            orderdesk_store_id.strip(), api_key, base_url=api_url, timeout=self._test_timeout
        ) as client:
            return await client.test_connection()

    async def register(
        self,
        name: str,
        orderdesk_store_id: str,
        api_key: str,
        api_url: str | None = None,
        *,
        actor: str = "gui",
        is_demo: bool = False,
        index: bool = True,
    ) -> StoreRecord:
        """Check the key with ``GET /test``, then save the key and the store.

        The first store becomes the default. A new store keeps a local order index (search,
        stats, the mirror) unless ``index`` is False. On any failure nothing is saved.

        Args:
            name: Our name for the store (unique, case-insensitive).
            orderdesk_store_id: Order Desk's numeric store id.
            api_key: The store's API key.
            api_url: A per-store API URL (None: ``ORDERDESK_API_URL`` or the live API).
            actor: Who registers it (for the audit log).
            is_demo: Mark it as the built-in demo store (only the demo wiring does).
            index: Keep a local order index of it (the default; False opts out).

        Raises:
            InvalidChangeError: A blank name, store id or key (a ValueError).
            StoreExistsError: The name is taken.
            AuthError: Order Desk rejected the credentials.
        """
        name, store_id = name.strip(), str(orderdesk_store_id).strip()
        if not name or not store_id.isdigit() or not api_key.strip():
            raise InvalidChangeError(
                "A store needs a name, a numeric Order Desk store id and an API key."
            )
        if Store.get_or_none(Store.name == name) is not None:
            raise StoreExistsError(f"A store called {name!r} is already registered.")
        logs.register_secret(api_key)
        await self.check_credentials(store_id, api_key, api_url)
        record = self._save(name, store_id, api_key, api_url or None, is_demo, index)
        self._ctx.audit.record(
            actor=actor, store_id=record.id, action="store.register",
            target=f"store:{record.id}", after=_public(record),
        )  # fmt: skip
        self._ctx.publish(STORE_CHANGED, record, action="registered")
        return record

    def _save(
        self,
        name: str,
        store_id: str,
        api_key: str,
        api_url: str | None,
        is_demo: bool,
        index: bool,
    ) -> StoreRecord:
        with database.atomic():
            first = Store.select().count() == 0
            row = Store.create(
                name=name,
                orderdesk_store_id=store_id,
                api_url=api_url,
                is_default=first,
                is_demo=is_demo,
                index_enabled=index,
            )
            self._secrets.set(str(row.id), api_key)  # fails -> the row is rolled back
        return store_record(row)

    async def list(self) -> list[StoreRecord]:
        """Every registered store, by name."""
        return [store_record(row) for row in Store.select().order_by(Store.name)]

    async def resolve(self, query: str | int) -> StoreRecord:
        """Find the store ``query`` means: our id, name, Order Desk id, or a fuzzy name.

        Raises:
            StoreNotFoundError: Nothing matches (the message suggests names).
            AmbiguousStoreError: ``ambiguous: did you mean A, B?``
        """
        return find_store(query, await self.list())

    async def default(self) -> StoreRecord:
        """The default store (the only store, when there is just one).

        Raises:
            StoreNotFoundError: No store, or several and none is the default.
        """
        stores = await self.list()
        chosen = [s for s in stores if s.is_default] or (stores if len(stores) == 1 else [])
        if not chosen:
            if not stores:
                raise StoreNotFoundError("No store is registered yet.")
            names = ", ".join(s.name for s in stores)
            raise StoreNotFoundError(f"No default store is set; name one of: {names}.")
        return chosen[0]

    async def set_default(self, name: str | int, *, actor: str = "gui") -> StoreRecord:
        """Make the store ``name`` refers to the default."""
        record = await self.resolve(name)
        with database.atomic():
            Store.update(is_default=False).where(Store.id != record.id).execute()
            Store.update(is_default=True, updated_at=datetime.now(UTC)).where(
                Store.id == record.id
            ).execute()
        self._ctx.audit.record(
            actor=actor, store_id=record.id, action="store.default", target=f"store:{record.id}"
        )
        self._ctx.publish(STORE_CHANGED, record, action="default")
        return store_record(Store.get_by_id(record.id))

    async def update_credentials(
        self, name: str | int, api_key: str, api_url: str | None = None, *, actor: str = "gui"
    ) -> StoreRecord:
        """Replace a store's key (and URL) after checking them; the clients are recreated.

        Args:
            name: The store (anything :meth:`resolve` accepts).
            api_key: The new API key.
            api_url: A new API URL; None keeps the current one, ``""`` clears it.
            actor: Who changes it.

        Raises:
            AuthError: Order Desk rejected the new key; nothing is changed.
        """
        record = await self.resolve(name)
        url = record.api_url if api_url is None else (api_url.strip() or None)
        logs.register_secret(api_key)
        await self.check_credentials(record.orderdesk_store_id, api_key, url)
        self._secrets.set(record.key, api_key)
        Store.update(api_url=url, updated_at=datetime.now(UTC)).where(
            Store.id == record.id
        ).execute()
        await self._ctx.pool.discard(record.id)
        self._ctx.cache.drop_store(record.key)
        forget_shared(record.id)
        self._ctx.audit.record(
            actor=actor, store_id=record.id, action="store.credentials", target=f"store:{record.id}"
        )
        self._ctx.publish(STORE_CHANGED, record, action="credentials")
        return store_record(Store.get_by_id(record.id))

    async def delete(self, name: str | int, *, actor: str = "gui") -> StoreRecord:
        """Remove a store: its row, its key, its clients and cache, then the ``on_delete`` hooks.

        Returns:
            The removed store.
        """
        record = await self.resolve(name)
        Store.delete().where(Store.id == record.id).execute()
        api_key = self._secrets.get(record.key)
        self._secrets.delete(record.key)
        if api_key:
            logs.forget_secret(api_key)
        await self._ctx.pool.discard(record.id)
        self._ctx.cache.drop_store(record.key)
        for hook in list(self.on_delete):
            try:
                result = hook(record)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("a store on_delete hook failed for store %s", record.id)
        self._ctx.audit.record(
            actor=actor, store_id=record.id, action="store.delete",
            target=f"store:{record.id}", before=_public(record),
        )  # fmt: skip
        self._ctx.publish(STORE_CHANGED, record, action="deleted")
        return record

    async def info(self, store: StoreRecord, *, fresh: bool = False) -> StoreInfo:
        """Store settings and folders from Order Desk (cached for an hour)."""
        return await self._ctx.store_info(store, fresh=fresh)

    async def test(self, store: StoreRecord) -> ConnectionTest:
        """Check that the saved key still works (``GET /test``)."""
        return await (await self._ctx.pool.client(store)).test_connection()


def _public(record: StoreRecord) -> dict[str, object]:
    return {
        "name": record.name,
        "orderdesk_store_id": record.orderdesk_store_id,
        "api_url": record.api_url,
        "is_default": record.is_default,
    }
