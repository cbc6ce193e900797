"""Finds the human names Activity shows: store names, folder names, order numbers.

Order numbers come first from the rows' own snapshots, then from each store's local mirror
(no request), then, for at most :data:`LIVE_LOOKUPS` orders per load, from the services' read
(the read cache, else one request each; a deleted order stays an id). Folder names come from
the store's settings (cached by the services: at most one ``GET /store`` an hour). A name that
cannot be found stays an id, labelled as one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from app.core.services import Services, StoreRecord
from app.gui.activity_text import Names, order_ids
from app.gui.errors import is_expected

log = logging.getLogger(__name__)

LIVE_LOOKUPS = 20
"""Orders per load whose number may be read from Order Desk when no copy has it."""


async def load_names(services: Services, entries: Sequence[Any], names: Names) -> Names:
    """Add the names ``entries`` need to ``names`` (and return it).

    Args:
        services: The services facade (through the GUI's engine proxy).
        entries: Ledger rows about to be shown.
        names: What is known already (kept between reloads).
    """
    stores = {store.id: store for store in await services.stores.list()}
    names.stores.update({store_id: store.name for store_id, store in stores.items()})
    names.learn(entries)
    wanted: dict[int, set[str]] = {}
    moved_in: set[int] = set()
    for entry in entries:
        if entry.store_id not in stores:
            continue
        known = names.orders.get(entry.store_id, {})
        wanted.setdefault(entry.store_id, set()).update(
            order_id for order_id in order_ids(entry) if order_id not in known
        )
        if entry.action == "order.move":
            moved_in.add(entry.store_id)
    for store_id, ids in wanted.items():
        if ids:
            await _order_numbers(services, stores[store_id], sorted(ids), names)
    for store_id in moved_in - set(names.folders):
        await _folder_names(services, stores[store_id], names)
    return names


async def _order_numbers(
    services: Services, store: StoreRecord, ids: list[str], names: Names
) -> None:
    try:
        found = await services.local_orders.mirror_orders(store, ids)
    except Exception as error:
        if not is_expected(error):
            raise
        log.info("order numbers of %s not read: %s", store.name, error)
        return
    known = names.orders.setdefault(store.id, {})
    for order_id, order in found.items():
        if order.source_id:
            known[order_id] = order.source_id
    for order_id in [i for i in ids if i not in known][:LIVE_LOOKUPS]:
        try:
            order = await services.orders.get(store, order_id)
        except Exception as error:
            if not is_expected(error):
                raise
            continue  # deleted, or Order Desk unreachable: the id is shown, labelled
        known[order_id] = order.source_id or ""


async def _folder_names(services: Services, store: StoreRecord, names: Names) -> None:
    try:
        info = await services.stores.info(store)
    except Exception as error:
        if not is_expected(error):
            raise
        log.info("folder names of %s not read: %s", store.name, error)
        return
    names.folders[store.id] = dict(info.folders)
