"""LiveSessions: follows connect/disconnect events into a thread-safe list of sessions."""

from __future__ import annotations

import threading

from app.core.access import ANONYMOUS, ClientIdentity, Policy
from app.core.access.sessions import LiveSession, LiveSessions
from app.core.events import CLIENT_CONNECTED, CLIENT_DISCONNECTED, CLIENT_REVOKED, Event, EventHub
from app.mcp.transport.registry import SessionRegistry
from app.mcp.transport.session import SessionState


def connected(session_id: str, identity: str, transport: str = "socket") -> Event:
    return Event.of(
        CLIENT_CONNECTED, session_id=session_id, client="claude", identity=identity,
        transport=transport,
    )  # fmt: skip


def test_follows_connects_and_disconnects() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)
    hub.publish(connected("s1", "Claude Desktop"))
    hub.publish(connected("s2", "Claude Desktop", "http"))
    hub.publish(connected("s3", "Cursor"))
    hub.publish(Event.of(CLIENT_REVOKED, name="Cursor", client_id=3))  # not a disconnect
    assert [s.session_id for s in sessions.live()] == ["s1", "s2", "s3"]
    first = sessions.live()[0]
    assert first == LiveSession("s1", "Claude Desktop", "socket", first.since, "claude")
    assert sessions.counts() == {"Claude Desktop": 2, "Cursor": 1}
    assert sessions.count("Claude Desktop") == 2 and sessions.count("Windsurf") == 0
    hub.publish(Event.of(CLIENT_DISCONNECTED, session_id="s1", identity="Claude Desktop"))
    hub.publish(Event.of(CLIENT_DISCONNECTED, session_id="s1", identity="Claude Desktop"))
    assert sessions.counts() == {"Claude Desktop": 1, "Cursor": 1}
    assert len(sessions) == 2


def test_a_session_without_a_token_counts_as_anonymous_and_a_bad_event_is_ignored() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)
    hub.publish(connected("s1", ""))
    hub.publish(Event.of(CLIENT_CONNECTED, client="no session id"))
    assert sessions.counts() == {"anonymous": 1}


def test_close_stops_following() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)
    hub.publish(connected("s1", "Cursor"))
    sessions.close()
    sessions.close()
    hub.publish(connected("s2", "Cursor"))
    hub.publish(Event.of(CLIENT_DISCONNECTED, session_id="s1"))
    assert [s.session_id for s in sessions.live()] == ["s1"]


async def test_reads_the_events_the_mcp_session_registry_publishes() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)
    registry = SessionRegistry(hub)
    cursor = ClientIdentity("Cursor", frozenset({"read"}), None, Policy.ASK, client_id=7)
    named = SessionState(identity=cursor, client_name="cursor-agent")
    anonymous = SessionState(identity=ANONYMOUS, client_name="stdio")
    registry.add(named, "socket")
    registry.add(anonymous, "stdio")
    (first, second) = sessions.live()
    assert (first.session_id, first.client, first.transport, first.announced) == (
        named.session_id, "Cursor", "socket", "cursor-agent",
    )  # fmt: skip
    assert second.client == "anonymous" and second.transport == "stdio"
    registry.remove(named)
    assert sessions.counts() == {"anonymous": 1}


def test_publishers_on_many_threads_leave_a_consistent_list() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)

    def churn(worker: int) -> None:
        for number in range(200):
            session_id = f"{worker}-{number}"
            hub.publish(connected(session_id, f"client {worker}"))
            if number % 2:
                hub.publish(Event.of(CLIENT_DISCONNECTED, session_id=session_id))

    threads = [threading.Thread(target=churn, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sessions.counts() == {f"client {worker}": 100 for worker in range(8)}
