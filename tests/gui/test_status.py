"""The tray tooltip's status, folded from hub events (no Qt)."""

from __future__ import annotations

from app.core import events
from app.core.access.sessions import LiveSessions
from app.core.events import Event, EventHub
from app.gui.status import TrayStatus


def connected(session_id: str, identity: str, announced: str = "some-ai-app") -> Event:
    """A ``client.connected`` event as the MCP host publishes it."""
    return Event.of(
        events.CLIENT_CONNECTED,
        session_id=session_id,
        client=announced,
        identity=identity,
        transport="socket",
    )


def test_clients_come_and_go() -> None:
    status = TrayStatus(engine_running=True)
    status = status.apply(connected("s1", "Claude"))
    status = status.apply(connected("s2", "Cursor"))
    assert "AI clients: Claude (1), Cursor (1)" in status.tooltip()
    status = status.apply(Event.of(events.CLIENT_DISCONNECTED, session_id="s1", identity="Claude"))
    assert "AI clients: Cursor (1)" in status.tooltip()
    status = status.apply(Event.of(events.CLIENT_DISCONNECTED, session_id="s2"))
    assert "No AI client connected" in status.tooltip()


def test_registered_names_with_counts_not_the_announced_name() -> None:
    status = TrayStatus(engine_running=True)
    for event in (
        connected("s1", "Cursor", announced="cursor-vscode 1.2"),
        connected("s2", "anonymous", announced="Claude Desktop"),
        connected("s3", "Claude Desktop", announced="claude-ai"),
        connected("s4", "Cursor", announced="cursor-vscode 1.2"),
        Event.of(events.CLIENT_CONNECTED, client="no session id"),
    ):
        status = status.apply(event)
    assert status.client_counts() == {"Cursor": 2, "anonymous": 1, "Claude Desktop": 1}
    assert "AI clients: Claude Desktop (1), Cursor (2), anonymous (1)" in status.tooltip()
    assert "cursor-vscode" not in status.tooltip() and "claude-ai" not in status.tooltip()


def test_a_live_sessions_snapshot_replaces_the_folded_list() -> None:
    hub = EventHub()
    sessions = LiveSessions(hub)
    hub.publish(connected("early", "Cursor"))  # before the tray existed
    status = TrayStatus(engine_running=True).apply(connected("gone", "Claude"))
    status = status.with_sessions(sessions.live())
    assert status.clients_text() == "Cursor (1)"
    sessions.close()


def test_errors_pause_and_rate_limit_pressure() -> None:
    status = TrayStatus(engine_running=True, paused=True)
    status = status.apply(Event.of(events.ERROR, message="Order Desk is down"))
    status = status.apply(Event.of(events.RATE_LIMIT, "1", tokens_remaining=2, bucket_size=20))
    status = status.apply(Event.of(events.RATE_LIMIT, "2", tokens_remaining=19, bucket_size=20))
    text = status.tooltip()
    assert "Engine running" in text and "MCP paused" in text
    assert "Last error: Order Desk is down" in text
    assert status.throttled_stores() == ["1"] and "pressure on 1 store" in text


def test_unrelated_events_change_nothing() -> None:
    status = TrayStatus()
    assert status.apply(Event.of(events.SYNC_PROGRESS, "1", done=1, total=2)) is status
    assert "Engine stopped" in status.tooltip()
