"""Activity's filter bar (client, store, kind) and its CSV export.

The filters become the ledger query's ``actor``, ``store_id`` and ``action`` pattern; the export
writes every row that matches them (not only the page shown), named and described the way the
window shows them.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.core.services import Services
from app.gui.activity_names import load_names
from app.gui.activity_text import FILTER_KINDS, Names, describe, kind_text, target_text, who_text
from app.gui.orders.rows import format_when

EXPORT_LIMIT = 50_000
"""Rows an export writes at most (newest first)."""
CSV_HEADER = ("When (UTC)", "Who", "Kind", "Store", "Target", "Outcome", "Changes", "Entry")


class ActivityFilters(QWidget):
    """Three drop-downs; :attr:`changed` fires when one is picked."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.client = QComboBox()
        self.store = QComboBox()
        self.kind = QComboBox()
        for label, pattern in FILTER_KINDS:
            self.kind.addItem(label, pattern)
        self.set_clients([])
        self.set_stores({})
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, box in (("&Client:", self.client), ("&Store:", self.store),
                          ("&Kind:", self.kind)):  # fmt: skip
            caption = QLabel(text)
            caption.setBuddy(box)
            layout.addWidget(caption)
            layout.addWidget(box)
            box.currentIndexChanged.connect(lambda _=0: self.changed.emit())
        layout.addStretch()

    def set_clients(self, names: Sequence[str]) -> None:
        """Offer every AI client by name (the choice is kept when it still exists)."""
        self._refill(self.client, [("All clients", None), ("You (order window)", "gui"),
                                   ("All AI clients", "mcp:*")]
                     + [(f"AI: {name}", f"mcp:{name}") for name in names])  # fmt: skip

    def set_stores(self, stores: dict[int, str]) -> None:
        """Offer every registered store by name."""
        self._refill(self.store, [("All stores", None)]
                     + [(name, store_id) for store_id, name in sorted(stores.items())])  # fmt: skip

    def _refill(self, box: QComboBox, choices: list[tuple[str, Any]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        for label, value in choices:
            box.addItem(label, value)
        index = box.findData(chosen)
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def query(self) -> dict[str, Any]:
        """The ledger query's filter arguments."""
        return {
            "actor": self.client.currentData(),
            "store_id": self.store.currentData(),
            "action": self.kind.currentData(),
        }


def csv_row(entry: Any, names: Names, outcome: str) -> list[str]:
    """One exported row: what the window shows, the details as text lines."""
    return [
        format_when(entry.at),
        who_text(entry.actor),
        kind_text(entry.action),
        names.store(entry.store_id),
        target_text(entry, names),
        outcome,
        describe(entry, names),
        str(entry.id),
    ]


async def export_csv(
    services: Services, path: Path, filters: dict[str, Any], names: Names, outcome: Any
) -> int:
    """Write every row matching ``filters`` to ``path``; return how many.

    Args:
        services: The services facade (through the GUI's engine proxy).
        path: The CSV file (UTF-8 with a byte-order mark, so spreadsheets read it).
        filters: :meth:`ActivityFilters.query`.
        names: Names known so far (more are looked up).
        outcome: Renders a row's outcome as the window does.
    """
    entries: list[Any] = []
    offset: int | None = 0
    while offset is not None and len(entries) < EXPORT_LIMIT:
        page = await services.audit.query(limit=500, offset=offset, **filters)
        entries.extend(page.entries)
        offset = page.next_offset
    await load_names(services, entries, names)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_HEADER)
        for entry in entries:
            writer.writerow(csv_row(entry, names, outcome(entry)))
    return len(entries)
