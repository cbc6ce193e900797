"""A local Order Desk API v2 look-alike with generated data: the demo store and test double.

Example:
    >>> with SandboxServer(stores=[SandboxStoreSpec(orders=50)]) as server:  # doctest: +SKIP
    ...     httpx.get(server.base_url + "/test", headers=...)
"""

from app.sandbox.faults import Fault, FaultKind
from app.sandbox.server import SandboxServer
from app.sandbox.spec import DEMO_API_KEY, DEMO_STORE_ID, SandboxStoreSpec
from app.sandbox.store import SandboxStore

__all__ = [
    "DEMO_API_KEY",
    "DEMO_STORE_ID",
    "Fault",
    "FaultKind",
    "SandboxServer",
    "SandboxStore",
    "SandboxStoreSpec",
]
