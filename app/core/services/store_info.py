"""Store settings (``GET /store``) shared by every process on the machine through the database.

The tray, ``serve --listen``, each ``serve --stdio`` and the CLI would otherwise each spend a
request of the store's allowance on the same settings; the row says when Order Desk sent them,
so a reader takes them only while they are younger than the store TTL.
"""

from __future__ import annotations

import json
import logging
import time

import peewee as pw

from app.core.db.models import StoreInfoRow
from app.core.orderdesk.results import StoreSettings
from app.core.services.records import StoreInfo

log = logging.getLogger(__name__)


def info_of(settings: StoreSettings, as_of: float) -> StoreInfo:
    """The services' view of settings Order Desk sent at ``as_of``."""
    return StoreInfo(
        name=settings.name,
        timezone=settings.timezone,
        folders=settings.folders,
        raw=settings.copy_raw(),
        as_of=as_of,
    )


def load_shared(store_id: int, max_age: float) -> StoreInfo | None:
    """The settings any process saved for the store, if younger than ``max_age`` seconds."""
    try:
        row = StoreInfoRow.get_or_none(StoreInfoRow.store == store_id)
    except pw.DatabaseError as exc:
        log.warning("shared store settings of store %s not read: %s", store_id, exc)
        return None
    if row is None or time.time() - float(row.fetched_at) >= max_age:
        return None
    try:
        raw = json.loads(row.settings_json)
    except ValueError:
        return None
    if not isinstance(raw, dict):
        return None
    return info_of(StoreSettings(raw), float(row.fetched_at))


def save_shared(store_id: int, info: StoreInfo) -> None:
    """Keep the settings for the other processes (a failure only costs them a request)."""
    try:
        StoreInfoRow.insert(
            store=store_id, fetched_at=info.as_of, settings_json=json.dumps(info.raw)
        ).on_conflict_replace().execute()
    except pw.DatabaseError as exc:
        log.warning("shared store settings of store %s not saved: %s", store_id, exc)


def forget_shared(store_id: int) -> None:
    """Drop the saved settings (the store's key or URL changed)."""
    try:
        StoreInfoRow.delete().where(StoreInfoRow.store == store_id).execute()
    except pw.DatabaseError as exc:
        log.warning("shared store settings of store %s not dropped: %s", store_id, exc)
