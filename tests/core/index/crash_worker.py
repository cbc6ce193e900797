"""Child process for the crash test: runs one index sync of the test store, then exits.

Usage: ``python -m tests.core.index.crash_worker BASE_URL STORE_ID API_KEY`` (the data folder
comes from ``ORDERDESK_TRAY_HOME``). The test kills it with SIGKILL between pages.
"""

from __future__ import annotations

import asyncio
import sys

from app.core.index import IndexService, StoreHandle
from app.core.orderdesk import OrderDeskClient


async def main(base_url: str, store_id: str, api_key: str) -> None:
    """Sync the store's index as our store ``s1``."""
    async with OrderDeskClient(store_id, api_key, base_url=base_url) as client:
        await IndexService().sync(StoreHandle("s1", client))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
