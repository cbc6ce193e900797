"""Qt-free services shared by the GUI and the MCP server: stores, orders, inventory, audit.

Build them once with :meth:`Services.create` and call them on the engine loop.
"""

from app.core.events import INVENTORY_CHANGED
from app.core.services.audit import AuditEntry, AuditLog, AuditPage
from app.core.services.cache import CacheStats, CacheTtls, ReadCache
from app.core.services.container import Services
from app.core.services.errors import (
    AmbiguousStoreError,
    DuplicateWriteError,
    FolderNotFoundError,
    IndexDisabledError,
    InvalidChangeError,
    MissingCredentialsError,
    OrderConflict,
    RevertError,
    ServiceError,
    StoreExistsError,
    StoreNotFoundError,
)
from app.core.services.filters import OrderFilters
from app.core.services.guard import DuplicateGuard
from app.core.services.inventory import InventoryFilters, InventoryService
from app.core.services.local_orders import LocalOrders, LocalSearch, LocalStats
from app.core.services.merge import ABSENT, FieldChange, apply_changes, diff
from app.core.services.orders import OrderService, OrderUpdate
from app.core.services.pool import ClientPool
from app.core.services.records import InventoryList, OrderList, StoreInfo, StoreRecord
from app.core.services.stores import StoreService

__all__ = [
    "ABSENT",
    "INVENTORY_CHANGED",
    "AmbiguousStoreError",
    "AuditEntry",
    "AuditLog",
    "AuditPage",
    "CacheStats",
    "CacheTtls",
    "ClientPool",
    "DuplicateGuard",
    "DuplicateWriteError",
    "FieldChange",
    "FolderNotFoundError",
    "IndexDisabledError",
    "InvalidChangeError",
    "InventoryFilters",
    "InventoryList",
    "InventoryService",
    "LocalOrders",
    "LocalSearch",
    "LocalStats",
    "MissingCredentialsError",
    "OrderConflict",
    "OrderFilters",
    "OrderList",
    "OrderService",
    "OrderUpdate",
    "ReadCache",
    "RevertError",
    "ServiceError",
    "Services",
    "StoreExistsError",
    "StoreInfo",
    "StoreNotFoundError",
    "StoreRecord",
    "StoreService",
    "apply_changes",
    "diff",
]
