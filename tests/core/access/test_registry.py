"""ClientRegistry: scopes, store allow-lists, anonymous read-only, revocation."""

from __future__ import annotations

import peewee as pw
import pytest

from app.core.access import (
    ALL_SCOPES,
    ANONYMOUS,
    CLIENT_REVOKED,
    AccessError,
    AuthenticationError,
    ClientRegistry,
    Policy,
    ScopeError,
    StoreNotAllowedError,
)
from app.core.db import ClientToken, Store
from app.core.events import Event, EventHub


@pytest.fixture
def hub() -> EventHub:
    return EventHub()


@pytest.fixture
def registry(db: pw.SqliteDatabase, hub: EventHub) -> ClientRegistry:
    return ClientRegistry(hub)


def test_add_returns_info_and_a_token_that_authenticates(registry: ClientRegistry) -> None:
    info, token = registry.add("Cursor", "read,move", policy="allow")
    assert info.name == "Cursor"
    assert info.scopes == ("read", "move")
    assert info.store_ids is None
    assert info.policy is Policy.ALLOW
    identity = registry.authenticate(token)
    assert identity.name == "Cursor"
    assert identity.scopes == frozenset({"read", "move"})
    assert not identity.is_anonymous
    identity.require("move", 7)
    with pytest.raises(ScopeError, match="lacks the 'delete' scope"):
        identity.require("delete")


def test_all_grants_every_scope(registry: ClientRegistry) -> None:
    info, token = registry.add("Claude", "all")
    assert info.scopes == ALL_SCOPES
    assert len(ALL_SCOPES) == 8
    identity = registry.authenticate(token)
    for scope in ALL_SCOPES:
        identity.require(scope)


def test_unknown_scope_and_policy_are_refused(registry: ClientRegistry) -> None:
    with pytest.raises(AccessError, match="Unknown scope"):
        registry.add("A", "read,fly")
    with pytest.raises(AccessError, match="Policy must be one of"):
        registry.add("A", "read", policy="maybe")
    assert ClientToken.select().count() == 0


def test_store_allow_list_by_name_or_id(registry: ClientRegistry) -> None:
    main = Store.create(name="Main", orderdesk_store_id="1")
    other = Store.create(name="Other", orderdesk_store_id="2")
    info, token = registry.add("Cursor", "read", stores=["main", str(other.id)])
    assert info.store_ids == tuple(sorted((main.id, other.id)))
    assert info.store_names is not None and set(info.store_names) == {"Main", "Other"}
    third = Store.create(name="Third", orderdesk_store_id="3")
    identity = registry.authenticate(token)
    identity.require("read", main.id)
    with pytest.raises(StoreNotAllowedError, match="may not use store"):
        identity.require("read", third.id)


def test_unknown_store_is_refused(registry: ClientRegistry) -> None:
    with pytest.raises(AccessError, match="No store named 'Nope'"):
        registry.add("Cursor", "read", stores=["Nope"])


def test_duplicate_name_is_refused_with_advice(registry: ClientRegistry) -> None:
    registry.add("Cursor")
    with pytest.raises(AccessError, match="revoke it first"):
        registry.add("Cursor")


def test_no_token_is_the_read_only_anonymous_identity(registry: ClientRegistry) -> None:
    identity = registry.authenticate(None)
    assert identity is ANONYMOUS
    assert registry.authenticate("") is ANONYMOUS
    identity.require("read", 3)
    with pytest.raises(ScopeError, match="no client token, so it is read-only"):
        identity.require("write-notes", 3)
    assert identity.policy is Policy.DENY


def test_bad_token_is_refused_without_echoing_it(registry: ClientRegistry) -> None:
    with pytest.raises(AuthenticationError) as caught:
        registry.authenticate("odt_not-a-real-token-at-all-xxxxxxxxxxxx")
    assert "odt_" not in str(caught.value)
    assert "clients add" in str(caught.value)


def test_revoke_refuses_the_token_and_publishes(registry: ClientRegistry, hub: EventHub) -> None:
    seen: list[Event] = []
    hub.subscribe(seen.append)
    _, token = registry.add("Cursor", "read")
    identity = registry.authenticate(token)
    assert registry.is_live(identity)
    assert registry.revoke("Cursor") is True
    assert [e.kind for e in seen] == [CLIENT_REVOKED]
    assert seen[0].data["name"] == "Cursor"
    assert seen[0].data["client_id"] == identity.client_id
    with pytest.raises(AuthenticationError):
        registry.authenticate(token)
    assert not registry.is_live(identity)
    assert registry.list() == []
    assert registry.revoke("Cursor") is False
    assert len(seen) == 1


def test_list_and_get(registry: ClientRegistry) -> None:
    registry.add("b-client", "read")
    registry.add("a-client", "all", policy="deny")
    assert [c.name for c in registry.list()] == ["a-client", "b-client"]
    found = registry.get("a-client")
    assert found is not None and found.policy is Policy.DENY
    assert registry.get("missing") is None
    data = found.as_json()
    assert data["scopes"] == list(ALL_SCOPES)
    assert data["stores"] is None
    assert "token" not in str(data)


def test_name_is_checked(registry: ClientRegistry) -> None:
    with pytest.raises(AccessError, match="client name needs"):
        registry.add("   ")
