"""The live-session list: who is connected, on which transport, and how to end each session.

Every transport adds a session when it starts serving and removes it when the session ends;
each change is published on the engine's event hub (``client.connected`` /
``client.disconnected``) so the tray can show it. All methods run on the loop that serves the
sessions (the engine loop); :meth:`SessionRegistry.revoke_sessions` ends sessions there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.core.events import CLIENT_CONNECTED, CLIENT_DISCONNECTED, Event, EventHub
from app.mcp.transport.session import SessionState

log = logging.getLogger(__name__)

Ender = Callable[[], None]


@dataclass(eq=False)
class LiveSession:
    """One connected session.

    Attributes:
        state: The session's state (identity, active store, id, client name).
        transport: ``"socket"``, ``"stdio"`` or ``"http"``.
        started_at: When it connected (UTC).
        end: Ends the session; by default cancels ``state.cancel``.
    """

    state: SessionState
    transport: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    end: Ender | None = None

    def terminate(self) -> None:
        """End the session (on its loop)."""
        if self.end is not None:
            self.end()
        else:
            self.state.cancel.cancel()


def identity_name(state: SessionState) -> str:
    """A display name for the session's identity (its ``name`` attribute when it has one)."""
    name = getattr(state.identity, "name", None)
    return name if isinstance(name, str) else ""


class SessionRegistry:
    """Live sessions of every transport, published on an event hub.

    Args:
        hub: Where connect/disconnect events go; None publishes nothing.
    """

    def __init__(self, hub: EventHub | None = None) -> None:
        self._hub = hub
        self._live: dict[str, LiveSession] = {}

    def add(self, state: SessionState, transport: str, end: Ender | None = None) -> LiveSession:
        """Record a new session and publish ``client.connected``."""
        live = LiveSession(state, transport, end=end)
        self._live[state.session_id] = live
        self._publish(CLIENT_CONNECTED, live)
        return live

    def remove(self, state: SessionState) -> None:
        """Forget a session and publish ``client.disconnected`` (once)."""
        live = self._live.pop(state.session_id, None)
        if live is not None:
            self._publish(CLIENT_DISCONNECTED, live)

    def live(self) -> list[LiveSession]:
        """The sessions connected now, oldest first."""
        return sorted(self._live.values(), key=lambda item: item.started_at)

    def __len__(self) -> int:
        return len(self._live)

    def revoke_sessions(self, predicate: Callable[[SessionState], bool]) -> int:
        """End every live session whose state matches ``predicate``; return how many.

        Must run on the loop that serves the sessions.
        """
        matched = [live for live in self._live.values() if predicate(live.state)]
        for live in matched:
            log.info(
                "Ending MCP session %s (%s) of %s",
                live.state.session_id,
                live.transport,
                identity_name(live.state) or live.state.client_name or "anonymous",
            )
            live.terminate()
        return len(matched)

    def _publish(self, kind: str, live: LiveSession) -> None:
        if self._hub is None:
            return
        state = live.state
        self._hub.publish(
            Event.of(
                kind,
                store_id=None if state.active_store_id is None else str(state.active_store_id),
                session_id=state.session_id,
                client=state.client_name,
                identity=identity_name(state),
                transport=live.transport,
            )
        )
