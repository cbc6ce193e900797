"""``Services``: the app's one set of services, built on the engine."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.access import ApprovalQueue, ClientRegistry
from app.core.db.models import database
from app.core.engine import Engine, EngineNotRunning
from app.core.index import IndexService, StoreHandle
from app.core.orderdesk import RetryPolicy
from app.core.secrets import SecretStore, open_secret_store
from app.core.services.app_settings import SettingsService
from app.core.services.audit import AuditLog
from app.core.services.cache import CacheTtls, ReadCache
from app.core.services.clients import ClientsService
from app.core.services.context import ServiceContext
from app.core.services.guard import DuplicateGuard
from app.core.services.inventory import InventoryService
from app.core.services.keys import KeysService
from app.core.services.ledger import WriteLedger
from app.core.services.local_orders import LocalOrders
from app.core.services.orders import OrderService
from app.core.services.pool import ClientPool
from app.core.services.records import StoreRecord
from app.core.services.reverts import Reverts
from app.core.services.stores import StoreService
from app.core.services.verify import register_verifiers
from app.core.services.writes import WriteRunner


@dataclass(frozen=True)
class Services:
    """The one front door both faces call: every ability of the app, built in one place.

    Every async method of every part runs on the engine loop. MCP tools run there already;
    the GUI awaits them through its engine proxy (``app.gui.engine_proxy``), other threads
    use ``engine.call(...)``. The faces call only the parts in :data:`FACADE_PARTS`; the rest
    (engine, pool, cache, guard, index) is plumbing for the parts and the start-up.

    Attributes:
        stores: Registered stores, their credentials and Order Desk settings.
        keys: Where API keys live (backend sentence, vault unlock).
        orders: Orders, their lines, shipments and history notes (Order Desk, audited).
        inventory: Inventory items.
        local_orders: Local search and stats with freshness, and the index's syncs.
        audit: The activity log of every write (query, revert).
        clients: AI client tokens, scopes and policies; their config files.
        approvals: Writes waiting for the user's answer.
        settings: User settings and the login entry.
        index: The local order index itself (sync, search, stats), attached to the hub.
    """

    engine: Engine
    pool: ClientPool
    cache: ReadCache
    audit: AuditLog
    guard: DuplicateGuard
    writes: WriteRunner
    stores: StoreService
    orders: OrderService
    inventory: InventoryService
    index: IndexService
    local_orders: LocalOrders
    keys: KeysService
    clients: ClientsService
    approvals: ApprovalQueue
    settings: SettingsService

    @classmethod
    def create(
        cls,
        engine: Engine,
        *,
        secrets: SecretStore | None = None,
        ttls: CacheTtls | None = None,
        retry: RetryPolicy | None = None,
        duplicate_window: float | None = None,
        timeout: float = 30.0,
        registry: ClientRegistry | None = None,
        approvals: ApprovalQueue | None = None,
    ) -> Services:
        """Build the services and register their clean-up with ``engine``.

        Args:
            engine: The engine whose loop runs the services (started or not yet).
            secrets: Where API keys live (default: :func:`open_secret_store`).
            ttls: Cache TTLs (default: from the settings table, which must be bound).
            retry: Retry policy of Order Desk requests and of the update loop.
            duplicate_window: Seconds during which an identical write is refused
                (default: the ``writes.duplicate_window`` setting).
            timeout: Seconds for each Order Desk connect, read and write.
            registry: AI client tokens (default: a new registry on the engine's hub).
            approvals: The approval queue (default: a new queue on the engine's hub).
        """
        secrets = secrets if secrets is not None else open_secret_store()
        pool = ClientPool(secrets, retry=retry, timeout=timeout)
        ctx = _shared_context(engine, pool, ttls, duplicate_window)
        stores = StoreService(ctx, secrets)
        index = _index_service(engine)
        local_orders = LocalOrders(index, pool, stores, engine.hub)
        ctx.mirror = local_orders  # order reads ask the local mirror first
        engine.add_closer(_close_thread_db)
        engine.add_closer(pool.aclose)
        engine.add_closer(index.aclose)  # closers run newest first: syncs stop before clients
        engine.add_closer(local_orders.aclose)
        orders = OrderService(ctx)
        Reverts(orders, ctx.audit)  # registers the undo of each write kind with the log
        return cls(
            engine=engine,
            pool=pool,
            cache=ctx.cache,
            audit=ctx.audit,
            guard=ctx.guard,
            writes=ctx.writes,
            stores=stores,
            orders=orders,
            inventory=InventoryService(ctx),
            index=index,
            local_orders=local_orders,
            keys=KeysService(secrets),
            clients=ClientsService(registry or ClientRegistry(engine.hub)),
            approvals=approvals or ApprovalQueue(engine.hub),
            settings=SettingsService(),
        )

    async def index_handle(self, store: StoreRecord) -> StoreHandle:
        """The store as :class:`IndexService` needs it, with the pool's shared client.

        Raises:
            MissingCredentialsError: No API key is stored for the store.
        """
        return await self.local_orders.handle(store)

    async def start_index_syncs(self, every: float | None = None) -> list[StoreRecord]:
        """Start scheduled syncs of every store that keeps a local index (engine loop).

        Returns the stores whose syncs started; the syncs themselves run in the background.
        """
        return await self.local_orders.start(every)

    def start_reconciling(self) -> None:
        """Reconcile, in the background, writes whose outcome a stopped process left open.

        Call once at start-up from any thread (the tray and ``serve`` do); each open ledger
        row is settled by reading Order Desk and says what was verified.
        """
        self.engine.spawn(self.writes.reconcile_open())

    def start_indexing(self) -> list[StoreRecord]:
        """:meth:`start_index_syncs` from another thread (the tray's or ``serve``'s start-up).

        Blocks only while the syncs are scheduled, not while they run.
        """
        return self.engine.call(self.start_index_syncs())


FACADE_PARTS = (
    "stores", "keys", "orders", "inventory", "local_orders", "audit", "clients", "approvals",
    "settings",
)  # fmt: skip
"""The parts of :class:`Services` the faces call (the GUI proxy hops exactly these)."""


def _shared_context(
    engine: Engine, pool: ClientPool, ttls: CacheTtls | None, duplicate_window: float | None
) -> ServiceContext:
    """What every service shares: pool, cache, audit log, duplicate guard, hub, write runner."""
    window = duplicate_window if duplicate_window is not None else _duplicate_window()
    writes = WriteRunner(WriteLedger(), window, stores=_store_by_id, hub=engine.hub)
    register_verifiers(writes, pool)
    return ServiceContext(
        pool=pool,
        cache=ReadCache(ttls if ttls is not None else CacheTtls.from_settings()),
        audit=AuditLog(),
        guard=DuplicateGuard(window),
        hub=engine.hub,
        writes=writes,
    )


def _index_service(engine: Engine) -> IndexService:
    """An index service on the engine's hub (and loop, once the engine runs)."""
    index = IndexService(engine.hub)
    try:
        loop = engine.loop
    except EngineNotRunning:
        loop = None
    index.attach(engine.hub, loop)
    return index


async def _close_thread_db() -> None:
    """Close the engine thread's own database connection at stop."""
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()


async def _store_by_id(store_id: int) -> StoreRecord | None:
    from app.core.db.models import Store
    from app.core.services.stores import store_record

    row = Store.get_or_none(Store.id == store_id)
    return None if row is None else store_record(row)


def _duplicate_window() -> float:
    from app.core import settings

    return float(settings.get_int("writes.duplicate_window"))
