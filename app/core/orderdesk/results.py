"""Typed results of the non-record endpoints: test, store settings, writes, batches, moves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.orderdesk.models import Record, RecordView
from app.core.orderdesk.values import to_datetime, to_id, to_optional_int


@dataclass(frozen=True)
class ConnectionTest:
    """Answer of ``GET /test``."""

    message: str
    server_time: datetime | None
    raw: Record = field(repr=False)

    @classmethod
    def from_envelope(cls, envelope: Record) -> ConnectionTest:
        """Build from the response envelope."""
        return cls(
            message=str(envelope.get("message") or ""),
            server_time=to_datetime(envelope.get("current_date_time")),
            raw=envelope,
        )


def parse_folders(value: object) -> dict[int, str]:
    """Read folders as a map of id to name, whether sent as a map or a list.

    Args:
        value: ``{"1": "New"}``, ``[{"id": 1, "name": "New"}]`` or ``[{"folder_id": ..,
            "folder_name": ..}]``. Entries without a numeric id are skipped.

    Returns:
        Folder id (int) to folder name.
    """
    pairs: list[tuple[object, object]] = []
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, Mapping):
                folder_id = entry.get("id", entry.get("folder_id"))
                pairs.append((folder_id, entry.get("name", entry.get("folder_name"))))
    folders: dict[int, str] = {}
    for key, name in pairs:
        try:
            folder_id = to_optional_int(key)
        except ValueError:
            continue
        if folder_id is not None:
            folders[folder_id] = "" if name is None else str(name)
    return folders


@dataclass(frozen=True, repr=False)
class StoreSettings(RecordView):
    """The store's settings (``GET /store``), folders included."""

    @property
    def name(self) -> str:
        """Store name."""
        return self._text("name")

    @property
    def timezone(self) -> str:
        """Store time zone, e.g. ``America/Chicago``."""
        return self._text("timezone")

    @property
    def folders(self) -> dict[int, str]:
        """Folder id to folder name."""
        return parse_folders(self.raw.get("folders"))

    def folder_id_for(self, name: str) -> int | None:
        """Find a folder id by name (case-insensitive), or ``None``."""
        wanted = name.strip().casefold()
        for folder_id, folder_name in self.folders.items():
            if folder_name.strip().casefold() == wanted:
                return folder_id
        return None

    def __repr__(self) -> str:
        return f"StoreSettings(id={self.id!r}, name={self.name!r})"


@dataclass(frozen=True)
class ActionResult:
    """Answer of a write that returns no record (delete, history note)."""

    message: str
    raw: Record = field(repr=False)

    @classmethod
    def from_envelope(cls, envelope: Record) -> ActionResult:
        """Build from the response envelope."""
        return cls(message=str(envelope.get("message") or ""), raw=envelope)


@dataclass(frozen=True)
class BatchItemResult:
    """The outcome for one entry of a batch request, in input order."""

    ok: bool
    id: str
    message: str
    raw: Record = field(repr=False)

    @classmethod
    def from_raw(cls, raw: Record) -> BatchItemResult:
        """Build from one ``results[]`` entry."""
        record_id = raw.get("shipment_id", raw.get("inventory_item_id", raw.get("id")))
        return cls(
            ok=str(raw.get("status", "success")).lower() != "error",
            id=to_id(record_id) if isinstance(record_id, int | str) else "",
            message=str(raw.get("message") or ""),
            raw=raw,
        )


@dataclass(frozen=True)
class BatchResult:
    """Answer of a batch endpoint; per-entry failures do not fail the whole call."""

    message: str
    results: list[BatchItemResult]
    raw: Record = field(repr=False)

    @property
    def failed(self) -> list[BatchItemResult]:
        """Entries the server refused."""
        return [result for result in self.results if not result.ok]

    @classmethod
    def from_envelope(cls, envelope: Record) -> BatchResult:
        """Build from the response envelope (``results`` may be missing)."""
        entries = envelope.get("results")
        results = [
            BatchItemResult.from_raw(entry)
            for entry in (entries if isinstance(entries, list) else [])
            if isinstance(entry, dict)
        ]
        return cls(message=str(envelope.get("message") or ""), results=results, raw=envelope)


@dataclass(frozen=True)
class MovedOrder:
    """One order of a move: where it was and where it is now."""

    order_id: str
    previous_folder_id: int | None
    folder_id: int | None


@dataclass(frozen=True)
class MoveResult:
    """Answer of ``POST /move-orders``."""

    message: str
    moved: list[MovedOrder]
    raw: Record = field(repr=False)

    @classmethod
    def from_envelope(cls, envelope: Record) -> MoveResult:
        """Build from the response envelope; unknown result shapes give an empty list."""
        entries = envelope.get("results")
        moved: list[MovedOrder] = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping):
                continue
            moved.append(
                MovedOrder(
                    order_id=to_id(entry.get("id", entry.get("order_id"))),
                    previous_folder_id=to_optional_int(entry.get("previous_folder_id")),
                    folder_id=to_optional_int(entry.get("folder_id")),
                )
            )
        return cls(message=str(envelope.get("message") or ""), moved=moved, raw=envelope)


def first_mapping(envelope: Mapping[str, Any], *keys: str) -> Record | None:
    """Return the first value under ``keys`` that is a dict (e.g. ``store`` then ``settings``)."""
    for key in keys:
        value = envelope.get(key)
        if isinstance(value, dict):
            return value
    return None
