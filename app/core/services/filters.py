"""Order search filters and folder lookup (pure functions).

Every documented ``GET /orders`` filter has a field in :class:`OrderFilters`; all of them are
applied by Order Desk itself (server side), nothing is filtered locally.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from app.core.orderdesk.orders_api import FilterValue
from app.core.services.errors import FolderNotFoundError

DateValue = datetime | date | str
FolderRef = int | str


@dataclass(frozen=True)
class OrderFilters:
    """A search over orders; every field is optional and they combine with AND.

    Attributes:
        folders: Folder ids or names (names are resolved through the store's folders).
        added_from: Orders added at/after (UTC; ``YYYY-MM-DD[ HH:MM:SS]`` text or datetime).
        added_to: Orders added at/before (a bare date means 00:00:00 of that day).
        modified_from: Orders modified at/after.
        modified_to: Orders modified at/before.
        dates_local: Read ``added_from``/``added_to`` in the store's time zone, not UTC.
        email: Customer e-mail.
        source_id: The cart's order id.
        source_name: The order source, e.g. ``Shopify``.
        customer_id: Id in the originating system.
        shipping_first_name: Shipping first name.
        shipping_last_name: Shipping last name.
        customer_first_name: Billing first name.
        customer_last_name: Billing last name.
        order_by: Field to sort on (Order Desk's default: ``date_added``).
        order: ``asc`` or ``desc`` (default ``desc``).
        include_history: Include each order's history (slow; use small pages).
    """

    folders: Sequence[FolderRef] | FolderRef | None = None
    added_from: DateValue | None = None
    added_to: DateValue | None = None
    modified_from: DateValue | None = None
    modified_to: DateValue | None = None
    dates_local: bool = False
    email: str | None = None
    source_id: str | None = None
    source_name: str | None = None
    customer_id: str | None = None
    shipping_first_name: str | None = None
    shipping_last_name: str | None = None
    customer_first_name: str | None = None
    customer_last_name: str | None = None
    order_by: str | None = None
    order: Literal["asc", "desc"] | None = None
    include_history: bool = False

    def folder_refs(self) -> list[FolderRef]:
        """The folders as a list (empty when no folder filter)."""
        if self.folders is None:
            return []
        if isinstance(self.folders, int | str):
            return [self.folders]
        return list(self.folders)

    def needs_folder_names(self) -> bool:
        """True when a folder is given by name (the store's folders must be looked up)."""
        return any(folder_id_of(ref) is None for ref in self.folder_refs())


def folder_id_of(ref: FolderRef) -> int | None:
    """Return the id when ``ref`` is an id (``3`` or ``"3"``), else None (a name)."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    text = str(ref).strip()
    return int(text) if text.isdigit() else None


def resolve_folder(ref: FolderRef, folders: Mapping[int, str]) -> int:
    """Find a folder id by id or name (case-insensitive).

    Args:
        ref: A folder id or name.
        folders: The store's folders (id to name).

    Raises:
        FolderNotFoundError: No such folder; the message lists the store's folders.
    """
    folder_id = folder_id_of(ref)
    if folder_id is not None and (not folders or folder_id in folders):
        return folder_id
    wanted = str(ref).strip().casefold()
    for known_id, name in folders.items():
        if name.strip().casefold() == wanted:
            return known_id
    names = sorted(folders.values())
    close = difflib.get_close_matches(str(ref), names, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(f"{name} ({fid})" for fid, name in sorted(folders.items()))
    raise FolderNotFoundError(
        f"There is no folder {ref!r} in this store.{hint} Folders: {listing}."
    )


def query_filters(
    filters: OrderFilters, folders: Mapping[int, str] | None
) -> dict[str, FilterValue]:
    """Render :class:`OrderFilters` as ``GET /orders`` parameters.

    Args:
        filters: The search.
        folders: The store's folders when a name must be resolved (None: ids only).

    Raises:
        FolderNotFoundError: A folder name is unknown.
    """
    start, end = (
        ("search_start_date_local", "search_end_date_local")
        if filters.dates_local
        else ("search_start_date", "search_end_date")
    )
    params: dict[str, FilterValue] = {
        start: filters.added_from,
        end: filters.added_to,
        "modified_start_date": filters.modified_from,
        "modified_end_date": filters.modified_to,
        "email": filters.email,
        "source_id": filters.source_id,
        "source_name": filters.source_name,
        "customer_id": filters.customer_id,
        "shipping_first_name": filters.shipping_first_name,
        "shipping_last_name": filters.shipping_last_name,
        "customer_first_name": filters.customer_first_name,
        "customer_last_name": filters.customer_last_name,
        "order_by": filters.order_by,
        "order": filters.order,
        "get_order_history": 1 if filters.include_history else None,
    }
    refs = filters.folder_refs()
    if refs:
        params["folder_id"] = sorted({resolve_folder(ref, folders or {}) for ref in refs})
    return {key: value for key, value in params.items() if value is not None and value != ""}
