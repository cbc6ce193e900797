"""AI client tokens: create, verify, revoke. Pure functions over :class:`ClientToken`.

A token is ``odt_`` plus 43 URL-safe characters (256 random bits). The plaintext is returned
once, by :func:`create_token`; the database keeps only its SHA-256 hex digest. The ``odt_``
prefix lets the log redaction filter recognise a token anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from app.core.db.models import POLICIES, ClientToken, database, utc_now
from app.core.errors import InvalidChange

TOKEN_PREFIX = "odt_"  # noqa: S105 - a public marker, not a secret
TOKEN_BYTES = 32

SCOPES = (
    "read",
    "write-notes",
    "write-shipments",
    "move",
    "write-orders",
    "delete",
    "inventory-write",
    "manage-stores",
)
"""Every scope a token can carry (docs/architecture.md, "AI clients")."""


class TokenError(InvalidChange, ValueError):
    """A token request that cannot be honoured (bad scope, bad policy, duplicate name)."""


def hash_token(plaintext: str) -> str:
    """Return the SHA-256 hex digest stored for ``plaintext``."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def _join(values: Iterable[object]) -> str:
    return ",".join(str(value) for value in values)


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split(",") if part]


def _checked_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = set(scopes)
    unknown = wanted - set(SCOPES)
    if unknown:
        raise TokenError(f"Unknown scope(s): {', '.join(sorted(unknown))}")
    return [scope for scope in SCOPES if scope in wanted]


def create_token(
    name: str,
    scopes: Iterable[str] = ("read",),
    store_ids: Iterable[int] | None = None,
    policy: str = "ask",
) -> tuple[ClientToken, str]:
    """Create a client token and return it with its plaintext (shown once, never stored).

    Args:
        name: The client's unique name, e.g. "Claude Desktop".
        scopes: Scope names from :data:`SCOPES`.
        store_ids: Store ids the client may use; None for every store.
        policy: What a write does: "allow", "ask" or "deny".

    Raises:
        TokenError: Unknown scope or policy, or a live token has that name. A revoked
            token's row is replaced.
    """
    scope_list = _checked_scopes(scopes)
    if policy not in POLICIES:
        raise TokenError(f"Policy must be one of {', '.join(POLICIES)}, not {policy!r}")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    with database.atomic():
        existing = ClientToken.get_or_none(ClientToken.name == name)
        if existing is not None and existing.revoked_at is None:
            raise TokenError(f"A client named {name!r} exists already; revoke it first")
        if existing is not None:
            existing.delete_instance()  # a revoked token frees its name
        row = ClientToken.create(
            name=name,
            token_hash=hash_token(plaintext),
            scopes=",".join(scope_list),
            store_allow_list=None if store_ids is None else _join(sorted(set(store_ids))),
            policy=policy,
        )
    return row, plaintext


def verify_token(plaintext: str, touch: bool = True) -> ClientToken | None:
    """Return the live token whose plaintext is ``plaintext``, or None.

    Args:
        plaintext: What the client presented.
        touch: Record the time in ``last_used_at``.
    """
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    digest = hash_token(plaintext)
    row = ClientToken.get_or_none(ClientToken.token_hash == digest)
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.revoked_at is not None:
        return None
    if touch:
        row.last_used_at = utc_now()
        row.save(only=[ClientToken.last_used_at])
    return row


def revoke_token(name: str) -> bool:
    """Revoke the named client's token; return False if there is no live token by that name."""
    with database.atomic():
        count: int = (
            ClientToken.update(revoked_at=utc_now())
            .where((ClientToken.name == name) & ClientToken.revoked_at.is_null())
            .execute()
        )
    return count > 0


def token_scopes(token: ClientToken) -> frozenset[str]:
    """Return the scopes ``token`` carries."""
    return frozenset(_split(token.scopes))


def token_store_ids(token: ClientToken) -> frozenset[int] | None:
    """Return the store ids ``token`` may use, or None for every store."""
    if token.store_allow_list is None:
        return None
    return frozenset(int(part) for part in _split(token.store_allow_list))


def active_tokens() -> list[ClientToken]:
    """Return every token that is not revoked, by name."""
    query = ClientToken.select().where(ClientToken.revoked_at.is_null())
    return list(query.order_by(ClientToken.name))
