"""Who an AI client is and what it may do: scopes, a store allow-list and a write policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.core.access.errors import AccessError, ScopeError, StoreNotAllowedError
from app.core.db.tokens import SCOPES

ALL_SCOPES: tuple[str, ...] = SCOPES
"""Every scope a token can carry, in a fixed order (docs/architecture.md, "AI clients")."""

READ_SCOPE = "read"
ALL_KEYWORD = "all"
ANONYMOUS_NAME = "anonymous"

_SCOPE_PURPOSE = {
    "read": "read stores, orders and inventory",
    "write-notes": "add order history notes",
    "write-shipments": "add or change shipments",
    "move": "move orders between folders",
    "write-orders": "create or change orders",
    "delete": "delete orders, shipments or items",
    "inventory-write": "change inventory items",
    "manage-stores": "register or remove stores",
}


class Policy(StrEnum):
    """What happens when a client with the needed scope attempts a write."""

    ALLOW = "allow"
    ASK = "ask"
    DENY = "deny"


def parse_scopes(scopes: str | Iterable[str]) -> tuple[str, ...]:
    """Return known scope names in canonical order; ``"all"`` means every scope.

    Args:
        scopes: A comma list (``"read,move"``) or an iterable of names.

    Raises:
        AccessError: A name is not a scope.
    """
    names = scopes.split(",") if isinstance(scopes, str) else list(scopes)
    wanted = {name.strip() for name in names if name.strip()}
    if ALL_KEYWORD in wanted:
        return ALL_SCOPES
    unknown = sorted(wanted - set(ALL_SCOPES))
    if unknown:
        raise AccessError(
            f"Unknown scope(s): {', '.join(unknown)}. "
            f"Use 'all' or a comma list of: {', '.join(ALL_SCOPES)}."
        )
    return tuple(scope for scope in ALL_SCOPES if scope in wanted)


def parse_policy(policy: str | Policy) -> Policy:
    """Return ``policy`` as a :class:`Policy`, or raise :class:`AccessError`."""
    try:
        return Policy(policy)
    except ValueError:
        choices = ", ".join(p.value for p in Policy)
        raise AccessError(f"Policy must be one of {choices}, not {policy!r}.") from None


@dataclass(frozen=True)
class ClientInfo:
    """A registered AI client as listed to the user (never carries the token).

    Attributes:
        name: The client's unique name.
        scopes: Its scopes, in canonical order.
        store_ids: Our ids of the stores it may use; None for every store.
        store_names: Names of those stores (same order), for display.
        policy: What a write does.
        created_at: When the token was made.
        last_used_at: When the token was last presented, if ever.
    """

    name: str
    scopes: tuple[str, ...]
    store_ids: tuple[int, ...] | None
    store_names: tuple[str, ...] | None
    policy: Policy
    created_at: datetime
    last_used_at: datetime | None

    def as_json(self) -> dict[str, object]:
        """Return a JSON-ready dict (for ``clients list --json`` and the GUI)."""
        return {
            "name": self.name,
            "scopes": list(self.scopes),
            "store_ids": None if self.store_ids is None else list(self.store_ids),
            "stores": None if self.store_names is None else list(self.store_names),
            "policy": self.policy.value,
            "created_at": self.created_at.isoformat(),
            "last_used_at": None if self.last_used_at is None else self.last_used_at.isoformat(),
        }


@dataclass(frozen=True)
class ClientIdentity:
    """The authenticated client behind a session.

    Attributes:
        name: Client name (``"anonymous"`` for a session without a token).
        scopes: What it may do.
        store_ids: Our ids of the stores it may use; None for every store.
        policy: What a write does.
        client_id: The token row's id; None for the anonymous identity.
    """

    name: str
    scopes: frozenset[str]
    store_ids: frozenset[int] | None
    policy: Policy
    client_id: int | None = None

    @property
    def is_anonymous(self) -> bool:
        """True for the read-only identity of a session that presented no token."""
        return self.client_id is None

    def has_scope(self, scope: str) -> bool:
        """Return True when the client carries ``scope``."""
        return scope in self.scopes

    def allows_store(self, store_id: int | None) -> bool:
        """Return True when the client may use the store with our id ``store_id``."""
        return self.store_ids is None or store_id is None or store_id in self.store_ids

    def require(self, scope: str, store_id: int | None = None) -> None:
        """Raise unless the client has ``scope`` and may use ``store_id``.

        Args:
            scope: One of :data:`ALL_SCOPES`.
            store_id: Our id of the store the action concerns, if any.

        Raises:
            ScopeError: The scope is missing.
            StoreNotAllowedError: The store is outside the client's allow-list.
        """
        if scope not in ALL_SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        if not self.has_scope(scope):
            raise ScopeError(self._scope_message(scope))
        if not self.allows_store(store_id):
            allowed = ", ".join(str(i) for i in sorted(self.store_ids or ())) or "none"
            raise StoreNotAllowedError(
                f"Client '{self.name}' may not use store {store_id}; its token allows only "
                f"store id(s) {allowed}. Call stores_list to see the stores it may use, or ask "
                "the user to widen the client's store list."
            )

    def _scope_message(self, scope: str) -> str:
        purpose = _SCOPE_PURPOSE[scope]
        if self.is_anonymous:
            return (
                f"This session has no client token, so it is read-only and cannot {purpose}. "
                "Ask the user to create a token (`orderdesk-mcp clients add NAME --scopes "
                f"{scope}`) and set it in ORDERDESK_TRAY_TOKEN for this client."
            )
        return (
            f"Client '{self.name}' lacks the '{scope}' scope, so it cannot {purpose}. "
            "Do not retry; ask the user to grant that scope in the tray's client settings "
            "(or revoke and re-add the client with it)."
        )


ANONYMOUS = ClientIdentity(
    name=ANONYMOUS_NAME,
    scopes=frozenset({READ_SCOPE}),
    store_ids=None,
    policy=Policy.DENY,
)
"""The identity of ``serve --stdio`` without ``ORDERDESK_TRAY_TOKEN``: read-only scopes only."""
