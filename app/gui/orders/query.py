"""The order browser's current search: text, filters and sort (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class OrderQuery:
    """What the table shows.

    Attributes:
        store: Our id of the store (``StoreRecord.key``), or None before a store is chosen.
        text: Free text for the local index (name, e-mail, order number, SKU...).
        folder_id: Only orders in this folder.
        email: Only orders with this customer e-mail.
        source: Only orders from this source (``Shopify``...).
        added_from: First day (inclusive) of ``date_added``.
        added_to: Last day (inclusive) of ``date_added``.
        sort: ``date_added``, ``date_updated`` or ``total``.
        descending: Newest / largest first.
    """

    store: str | None = None
    text: str = ""
    folder_id: int | None = None
    email: str = ""
    source: str = ""
    added_from: date | None = None
    added_to: date | None = None
    sort: str = "date_added"
    descending: bool = True

    def with_folder(self, folder_id: int | None) -> OrderQuery:
        """The same query limited to another folder (None: every folder)."""
        return replace(self, folder_id=folder_id)

    def describe(self) -> str:
        """A short summary for the status bar, e.g. ``"ada" in New, since 2025-01-01``."""
        parts = []
        if self.text:
            parts.append(f'"{self.text}"')
        if self.email:
            parts.append(f"e-mail {self.email}")
        if self.source:
            parts.append(f"from {self.source}")
        if self.added_from:
            parts.append(f"since {self.added_from.isoformat()}")
        if self.added_to:
            parts.append(f"until {self.added_to.isoformat()}")
        return ", ".join(parts)
