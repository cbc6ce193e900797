"""ClientRegistry.set_policy: change a client's write policy."""

from __future__ import annotations

import peewee as pw
import pytest

from app.core.access import AccessError, ClientRegistry, Policy
from app.core.db import ClientToken


@pytest.fixture
def registry(db: pw.SqliteDatabase) -> ClientRegistry:
    return ClientRegistry()


def test_set_policy_changes_the_stored_policy_and_new_identities(registry: ClientRegistry) -> None:
    _, token = registry.add("Cursor", "read,move", policy="ask")
    registry.add("Claude", "read", policy="ask")
    info = registry.set_policy("Cursor", "deny")
    assert info.policy is Policy.DENY
    assert registry.get("Cursor") is not None and registry.get("Cursor").policy is Policy.DENY
    assert registry.authenticate(token).policy is Policy.DENY
    assert registry.get("Claude").policy is Policy.ASK  # type: ignore[union-attr]
    assert registry.set_policy(" Cursor ", Policy.ALLOW).policy is Policy.ALLOW
    assert ClientToken.get(ClientToken.name == "Cursor").policy == "allow"


def test_set_policy_refuses_unknown_clients_and_policies(registry: ClientRegistry) -> None:
    registry.add("Cursor")
    with pytest.raises(AccessError, match="allow, ask, deny"):
        registry.set_policy("Cursor", "sometimes")
    with pytest.raises(AccessError, match="No client named 'Nobody'"):
        registry.set_policy("Nobody", "allow")
    registry.revoke("Cursor")
    with pytest.raises(AccessError, match="No client named"):
        registry.set_policy("Cursor", "allow")
