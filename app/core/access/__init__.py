"""Who an AI client is and what it may do: tokens, scopes, limits and write approvals.

The MCP server and the GUI both use this package: :class:`ClientRegistry` authenticates a
session's token into a :class:`ClientIdentity`, :class:`ClientLimits` paces each client, and
:class:`ApprovalQueue` decides each write by the client's :class:`Policy` or by asking the tray.
"""

from app.core.access.approvals import (
    ApprovalQueue,
    ApprovalRequest,
    DecidedBy,
    Decision,
    DiffItem,
    FieldChange,
    PendingApproval,
    order_label,
)
from app.core.access.errors import (
    AccessError,
    AuthenticationError,
    ScopeError,
    SlowDown,
    StoreNotAllowedError,
    WritesPausedError,
)
from app.core.access.identity import (
    ALL_SCOPES,
    ANONYMOUS,
    ClientIdentity,
    ClientInfo,
    Policy,
    parse_policy,
    parse_scopes,
)
from app.core.access.limits import ClientLimits, LimitConfig, TokenBucket
from app.core.access.registry import ClientRegistry, resolve_store_ids
from app.core.events import APPROVAL_DECIDED, CLIENT_REVOKED

__all__ = [
    "ALL_SCOPES",
    "ANONYMOUS",
    "APPROVAL_DECIDED",
    "CLIENT_REVOKED",
    "AccessError",
    "ApprovalQueue",
    "ApprovalRequest",
    "AuthenticationError",
    "ClientIdentity",
    "ClientInfo",
    "ClientLimits",
    "ClientRegistry",
    "DecidedBy",
    "Decision",
    "DiffItem",
    "FieldChange",
    "LimitConfig",
    "PendingApproval",
    "Policy",
    "ScopeError",
    "SlowDown",
    "StoreNotAllowedError",
    "TokenBucket",
    "WritesPausedError",
    "order_label",
    "parse_policy",
    "parse_scopes",
    "resolve_store_ids",
]
