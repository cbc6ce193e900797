"""The registry of AI clients: tokens with scopes, store allow-lists and a write policy.

A thin layer over :mod:`app.core.db.tokens` that speaks in :class:`ClientInfo` and
:class:`ClientIdentity`. It publishes :data:`CLIENT_REVOKED` so live sessions end, and
:data:`CLIENT_CHANGED` when a client's policy changes; live sessions pick up a changed policy,
scope or store list through :meth:`ClientRegistry.current` on every call.
"""

from __future__ import annotations

import builtins
import logging
import shlex
from collections.abc import Iterable

from app.core.access.errors import AccessError, AuthenticationError
from app.core.access.identity import (
    ANONYMOUS,
    ClientIdentity,
    ClientInfo,
    Policy,
    parse_policy,
    parse_scopes,
)
from app.core.db.models import ClientToken, Store
from app.core.db.tokens import (
    TokenError,
    active_tokens,
    create_token,
    revoke_token,
    token_scopes,
    token_store_ids,
    verify_token,
)
from app.core.events import CLIENT_CHANGED, CLIENT_REVOKED, Event, EventHub

log = logging.getLogger(__name__)

"""Event kind published when a client's token is revoked; data: ``name``, ``client_id``."""

MAX_NAME_LENGTH = 100


def _checked_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > MAX_NAME_LENGTH:
        raise AccessError(f"A client name needs 1 to {MAX_NAME_LENGTH} characters.")
    return clean


def resolve_store_ids(stores: Iterable[int | str]) -> list[int]:
    """Turn store names or our numeric store ids into our store ids.

    A name wins over an id when a store is literally named like a number.

    Raises:
        AccessError: A store is not registered.
    """
    ids: list[int] = []
    for wanted in stores:
        text = str(wanted).strip()
        row = Store.get_or_none(Store.name == text)
        if row is None and text.isdigit():
            row = Store.get_or_none(Store.id == int(text))
        if row is None:
            raise AccessError(
                f"No store named {text!r}; `orderdesk-mcp stores list` shows the stores."
            )
        ids.append(int(row.id))
    return ids


def _store_names(ids: Iterable[int]) -> dict[int, str]:
    rows = Store.select(Store.id, Store.name).where(Store.id.in_(list(ids)))
    return {int(row.id): str(row.name) for row in rows}


def _info(row: ClientToken) -> ClientInfo:
    ids = token_store_ids(row)
    ordered = None if ids is None else tuple(sorted(ids))
    names = None
    if ordered is not None:
        known = _store_names(ordered)
        names = tuple(known.get(i, f"(removed store {i})") for i in ordered)
    return ClientInfo(
        name=str(row.name),
        scopes=parse_scopes(token_scopes(row)),
        store_ids=ordered,
        store_names=names,
        policy=parse_policy(str(row.policy)),
        created_at=row.created_at,
        last_used_at=row.last_used_at,
    )


def _identity(row: ClientToken) -> ClientIdentity:
    return ClientIdentity(
        name=str(row.name),
        scopes=frozenset(token_scopes(row)),
        store_ids=token_store_ids(row),
        policy=parse_policy(str(row.policy)),
        client_id=int(row.id),
    )


class ClientRegistry:
    """Create, list, revoke and authenticate AI clients.

    Args:
        hub: Where :data:`CLIENT_REVOKED` and :data:`CLIENT_CHANGED` are published; None in a
            CLI process with no sessions.
    """

    def __init__(self, hub: EventHub | None = None) -> None:
        self._hub = hub

    def add(
        self,
        name: str,
        scopes: str | Iterable[str] = ("read",),
        stores: Iterable[int | str] | None = None,
        policy: str | Policy = Policy.ASK,
    ) -> tuple[ClientInfo, str]:
        """Register a client and return it with its token (shown once, never stored).

        Args:
            name: Unique client name, e.g. "Claude Desktop".
            scopes: Scope names, a comma list, or ``"all"``.
            stores: Store names or our store ids the client may use; None for every store.
            policy: What a write does: allow, ask or deny.

        Raises:
            AccessError: Bad name, scope, store or policy, or the name is taken.
        """
        clean = _checked_name(name)
        scope_list = parse_scopes(scopes)
        checked_policy = parse_policy(policy)
        store_ids = None if stores is None else resolve_store_ids(stores)
        try:
            row, plaintext = create_token(clean, scope_list, store_ids, checked_policy.value)
        except TokenError as exc:
            raise AccessError(
                f"A client named {clean!r} exists already; revoke it first "
                f"(`orderdesk-mcp clients revoke {shlex.quote(clean)}`) or pick another name."
            ) from exc
        log.info("client %s added with scopes %s", clean, ",".join(scope_list))
        return _info(row), plaintext

    def list(self) -> builtins.list[ClientInfo]:
        """Return every client whose token is live, by name."""
        return [_info(row) for row in active_tokens()]

    def get(self, name: str) -> ClientInfo | None:
        """Return the live client called ``name``, or None."""
        row = ClientToken.get_or_none(
            (ClientToken.name == name.strip()) & ClientToken.revoked_at.is_null()
        )
        return None if row is None else _info(row)

    def set_policy(self, name: str, policy: str | Policy) -> ClientInfo:
        """Change what ``name``'s writes do (allow, ask or deny) and return the client.

        Live sessions apply the new policy from their next call (:meth:`current`);
        :data:`CLIENT_CHANGED` is published when the policy actually changed.

        Raises:
            AccessError: No live client has that name, or the policy is not one of the three.
        """
        clean = name.strip()
        checked = parse_policy(policy)
        row = ClientToken.get_or_none(
            (ClientToken.name == clean) & ClientToken.revoked_at.is_null()
        )
        if row is None:
            raise AccessError(
                f"No client named {clean!r}; `orderdesk-mcp clients list` shows the clients."
            )
        if row.policy != checked.value:
            row.policy = checked.value
            row.save(only=[ClientToken.policy])
            log.info("client %s write policy set to %s", clean, checked.value)
            if self._hub is not None:
                self._hub.publish(
                    Event.of(
                        CLIENT_CHANGED, name=clean, client_id=int(row.id), policy=checked.value
                    )
                )
        return _info(row)

    def revoke(self, name: str) -> bool:
        """Revoke ``name``'s token and tell live sessions; False when no such live client."""
        clean = name.strip()
        row = ClientToken.get_or_none(
            (ClientToken.name == clean) & ClientToken.revoked_at.is_null()
        )
        if row is None or not revoke_token(clean):
            return False
        log.info("client %s revoked", clean)
        if self._hub is not None:
            self._hub.publish(Event.of(CLIENT_REVOKED, name=clean, client_id=int(row.id)))
        return True

    def authenticate(self, token: str | None) -> ClientIdentity:
        """Return who presented ``token``; no token gives the read-only anonymous identity.

        Raises:
            AuthenticationError: The token is unknown or revoked.
        """
        if not token:
            return ANONYMOUS
        row = verify_token(token.strip())
        if row is None:
            raise AuthenticationError(
                "The client token was not recognised or has been revoked. Create a new one "
                "with `orderdesk-mcp clients add NAME` (or the tray's Connect an AI client "
                "dialog) and put it in ORDERDESK_TRAY_TOKEN."
            )
        return _identity(row)

    def current(self, identity: ClientIdentity) -> ClientIdentity:
        """Return ``identity`` as its client stands now: current policy, scopes and stores.

        One read of the token row by its id. Anonymous identities stay as they are. An id with
        no row left (revoked, then its name reused) also keeps its identity: :meth:`is_live`
        reports it dead, and the MCP host ends such sessions.

        Raises:
            AuthenticationError: The client's token has been revoked.
        """
        if identity.client_id is None:
            return identity
        row = ClientToken.get_or_none(ClientToken.id == identity.client_id)
        if row is None:
            return identity
        if row.revoked_at is not None:
            raise AuthenticationError(
                f"Client '{identity.name}' has been revoked, so this session can do nothing "
                "more. Ask the user to connect the client again with a new token."
            )
        return _identity(row)

    def is_live(self, identity: ClientIdentity) -> bool:
        """Return True while ``identity``'s token is still valid (anonymous: always).

        A token revoked by another process (the CLI while the tray runs) publishes no event
        here; sessions can call this to notice.
        """
        if identity.client_id is None:
            return True
        row = ClientToken.get_or_none(ClientToken.id == identity.client_id)
        return row is not None and row.revoked_at is None
