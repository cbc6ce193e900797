"""What a sandbox store looks like before it is generated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

DEMO_STORE_ID: Final = "100001"
DEMO_API_KEY: Final = "demo-0a1b2c3d4e5f60718293a4b5c6d7e8f9"

DEFAULT_FOLDERS: Final = (
    (1, "New"),
    (2, "Prepared"),
    (3, "Closed"),
    (4, "Canceled"),
    (5, "Backorder"),
)

# Generated dates end here unless a spec says otherwise, so a seed always gives the same data.
DEFAULT_END: Final = datetime(2025, 6, 30, 18, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class SandboxStoreSpec:
    """Settings for one generated sandbox store.

    Attributes:
        store_id: The value clients send in ``ORDERDESK-STORE-ID``.
        api_key: The value clients send in ``ORDERDESK-API-KEY``.
        name: Store name shown by ``GET /store``.
        orders: Number of generated orders (a few up to 100k or more).
        inventory: Number of generated inventory items (their codes are the order item SKUs).
        seed: Seed of all generated data; the same spec always gives the same store.
        folders: ``(folder id, name)`` pairs; the first is where new orders land.
        timezone: IANA time zone reported by ``GET /store`` and used by ``*_local`` filters.
        end: Latest generated ``date_added``; orders spread over ``days`` before it.
        days: How many days of history to generate.
    """

    store_id: str = DEMO_STORE_ID
    api_key: str = DEMO_API_KEY
    name: str = "Demo Store"
    orders: int = 200
    inventory: int = 60
    seed: int = 1
    folders: tuple[tuple[int, str], ...] = DEFAULT_FOLDERS
    timezone: str = "America/Chicago"
    end: datetime = DEFAULT_END
    days: int = 365
