"""The tray tooltip's status, folded from hub events (no Qt)."""

from __future__ import annotations

from app.core import events
from app.core.events import Event
from app.gui.status import TrayStatus


def test_clients_come_and_go() -> None:
    status = TrayStatus(engine_running=True)
    status = status.apply(Event.of(events.CLIENT_CONNECTED, session_id="s1", name="Claude"))
    status = status.apply(Event.of(events.CLIENT_CONNECTED, session_id="s2", name="Cursor"))
    assert "AI clients: Claude, Cursor" in status.tooltip()
    status = status.apply(Event.of(events.CLIENT_DISCONNECTED, session_id="s1", name="Claude"))
    assert "AI clients: Cursor" in status.tooltip()
    status = status.apply(Event.of(events.CLIENT_DISCONNECTED, session_id="s2"))
    assert "No AI client connected" in status.tooltip()


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
