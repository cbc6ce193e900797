"""``ClientsService``: AI client tokens, scopes and policies as the faces manage them.

A thin async face over :class:`~app.core.access.ClientRegistry` (the MCP host authenticates
with the same registry on the engine loop), plus writing a client's config file.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

from app.core.access import ClientInfo, ClientRegistry

if TYPE_CHECKING:
    from app.core.client_configs import ClientKind, MergeResult


class ClientsService:
    """Create, list, change and revoke AI clients; write their config entries.

    Args:
        registry: The token registry (shared with the MCP host).
    """

    def __init__(self, registry: ClientRegistry) -> None:
        self.registry = registry

    async def list(self) -> builtins.list[ClientInfo]:
        """Every client with a live token, by name."""
        return self.registry.list()

    async def add(
        self, name: str, scopes: builtins.list[str], policy: str, stores: builtins.list[str] | None
    ) -> tuple[ClientInfo, str]:
        """Register a client; returns it and its token (shown once, never stored).

        ``stores`` names the stores the client may use; None means every store.

        Raises:
            AccessError: Bad name, scope, store or policy, or the name is taken.
        """
        return self.registry.add(name, scopes, stores, policy)

    async def set_policy(self, name: str, policy: str) -> ClientInfo:
        """Change what a client's writes do (allow, ask, deny).

        Raises:
            AccessError: No such client or no such policy.
        """
        return self.registry.set_policy(name, policy)

    async def revoke(self, name: str) -> bool:
        """Revoke ``name``'s token; the MCP host ends its sessions on the event."""
        return self.registry.revoke(name)

    async def write_config(self, kind: ClientKind, token: str) -> MergeResult:
        """Merge the ``orderdesk`` server entry into ``kind``'s config file (with a backup).

        Raises:
            OSError: The file cannot be read or written.
            ConfigFileError: The file cannot be merged into (nothing is written).
        """
        from app.core.client_configs import merge_into_file  # config files: only here

        return merge_into_file(kind, token)
