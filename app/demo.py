"""The built-in demo store: a sandbox Order Desk on loopback, registered as "Demo Store".

Its API key is a public constant (:data:`app.sandbox.DEMO_API_KEY`), so
:class:`DemoKeySecrets` answers it without touching the keychain or the vault: the demo works
headless, where no keychain exists and no vault passphrase is set. The tray (``--demo``) and
``orderdesk-mcp serve --demo`` both use this module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.core.errors import Conflict
from app.core.services.errors import ServiceError
from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec

if TYPE_CHECKING:
    from app.core.secrets import SecretStore
    from app.core.services import Services

DEMO_STORE_NAME = "Demo Store"
DEMO_ORDERS = 2000


class DemoStoreConflict(ServiceError, Conflict):
    """A store named like the demo exists and is a real store."""


class DemoKeySecrets:
    """A secret store that knows the demo store's public key and defers the rest.

    The demo key is no secret (it is in the source), so it is never written to the keychain or
    the vault; every other key goes to ``inner`` untouched.
    """

    def __init__(self, inner: SecretStore) -> None:
        self.inner = inner
        self.demo_ids: set[str] = set()

    @property
    def backend_name(self) -> str:
        """The wrapped backend's name."""
        return self.inner.backend_name

    @property
    def is_system(self) -> bool:
        """Whether the wrapped backend is the OS keychain."""
        return self.inner.is_system

    def is_unlocked(self) -> bool:
        """Whether the wrapped backend can be read now."""
        return self.inner.is_unlocked()

    def describe(self) -> str:
        """The wrapped backend's description."""
        return self.inner.describe()

    def get(self, store_id: str) -> str | None:
        """The demo key for a demo store, else the wrapped backend's answer."""
        return DEMO_API_KEY if store_id in self.demo_ids else self.inner.get(store_id)

    def set(self, store_id: str, secret: str) -> None:
        """Remember a demo store (no write), else store the key in the wrapped backend."""
        if secret == DEMO_API_KEY:
            self.demo_ids.add(store_id)
        else:
            self.inner.set(store_id, secret)

    def delete(self, store_id: str) -> None:
        """Forget a demo store, else delete from the wrapped backend."""
        if store_id in self.demo_ids:
            self.demo_ids.discard(store_id)
        else:
            self.inner.delete(store_id)


def demo_sandbox(orders: int = DEMO_ORDERS) -> SandboxServer:
    """A (not yet started) sandbox whose generated orders end at the current hour.

    Recent dates make the demo look like a live shop ("today's orders"); rounding to the hour
    keeps the data the same across restarts within that hour.
    """
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return SandboxServer([SandboxStoreSpec(orders=orders, end=end)])


async def add_demo_store(services: Services, secrets: DemoKeySecrets, api_url: str) -> int:
    """Register the sandbox as "Demo Store" (or point an earlier one at it); return its id.

    An earlier demo store's local index is dropped: its sandbox data is gone.

    Raises:
        DemoStoreConflict: A real store already uses the demo's name.
    """
    from app.core.db.models import Store

    row = Store.get_or_none(Store.name == DEMO_STORE_NAME)
    if row is None:
        record = await services.stores.register(
            DEMO_STORE_NAME, DEMO_STORE_ID, DEMO_API_KEY, api_url, actor="demo", is_demo=True
        )
        return record.id
    if row.orderdesk_store_id != DEMO_STORE_ID:
        raise DemoStoreConflict(
            f"A store called {DEMO_STORE_NAME!r} exists and is not the demo; rename it "
            "or use another ORDERDESK_TRAY_HOME for the demo."
        )
    Store.update(api_url=api_url, is_demo=True).where(Store.id == row.id).execute()
    secrets.demo_ids.add(str(row.id))
    # The sandbox is generated afresh on every start: an index of the last run is stale.
    await services.index.remove(str(row.id))
    return int(row.id)
