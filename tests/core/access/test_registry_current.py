"""ClientRegistry.current: a session's identity as its client stands now; client.changed."""

from __future__ import annotations

import peewee as pw
import pytest

from app.core.access import ANONYMOUS, AuthenticationError, ClientRegistry, Policy
from app.core.db import ClientToken
from app.core.events import CLIENT_CHANGED, Event, EventHub


@pytest.fixture
def hub() -> EventHub:
    return EventHub()


@pytest.fixture
def registry(db: pw.SqliteDatabase, hub: EventHub) -> ClientRegistry:
    return ClientRegistry(hub)


def test_current_reads_policy_scopes_and_stores(registry: ClientRegistry) -> None:
    _, token = registry.add("Cursor", "read,move", policy="allow")
    first = registry.authenticate(token)
    assert registry.current(first) == first
    registry.set_policy("Cursor", "deny")
    ClientToken.update(scopes="read", store_allow_list="4").where(
        ClientToken.name == "Cursor"
    ).execute()
    now = registry.current(first)
    assert (now.name, now.client_id, now.policy) == ("Cursor", first.client_id, Policy.DENY)
    assert now.scopes == frozenset({"read"}) and now.store_ids == frozenset({4})


def test_anonymous_stays_and_a_revoked_client_is_refused(registry: ClientRegistry) -> None:
    registry.add("anonymous", "all", policy="allow")
    assert registry.current(ANONYMOUS) is ANONYMOUS
    _, token = registry.add("Cursor")
    identity = registry.authenticate(token)
    registry.revoke("Cursor")
    with pytest.raises(AuthenticationError, match="'Cursor' has been revoked"):
        registry.current(identity)


def test_set_policy_publishes_client_changed_only_on_a_change(
    registry: ClientRegistry, hub: EventHub
) -> None:
    seen: list[Event] = []
    hub.subscribe(seen.append)
    registry.add("Cursor", policy="ask")
    registry.set_policy("Cursor", "ask")
    registry.set_policy("Cursor", "deny")
    changed = [event for event in seen if event.kind == CLIENT_CHANGED]
    assert len(changed) == 1
    row = ClientToken.get(ClientToken.name == "Cursor")
    assert dict(changed[0].data) == {"name": "Cursor", "client_id": row.id, "policy": "deny"}
