"""What the GUI is handed at start: the services (through the engine proxy) and the hub."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.core.access.sessions import LiveSessions
from app.core.engine import Engine
from app.core.events import EventHub
from app.core.services import Services, StoreRecord
from app.gui.engine_proxy import on_engine


@dataclass
class GuiContext:
    """Everything windows need; built by :mod:`app.runtime` (or a test) with :meth:`build`.

    Attributes:
        services: The services facade through the engine proxy: ``await
            ctx.services.orders.update(...)`` runs on the engine thread. The only door into
            core for widgets.
        hub: The engine's event hub (windows listen through a :class:`~app.gui.bridge.HubBridge`).
        engine: The engine itself, for start-up, shut-down and tests; widgets do not use it.
        sessions: The AI client sessions connected now (fed by hub events, readable from any
            thread); None when the MCP host is not part of this process.
        start_demo: Starts the demo sandbox and registers "Demo Store" (GUI thread, returns the
            store once it is ready); None when the demo is not offered.
    """

    services: Services
    hub: EventHub
    engine: Engine
    sessions: LiveSessions | None = None
    start_demo: Callable[[], Awaitable[StoreRecord]] | None = None

    @classmethod
    def build(
        cls,
        engine: Engine,
        services: Services,
        *,
        sessions: LiveSessions | None = None,
        start_demo: Callable[[], Awaitable[StoreRecord]] | None = None,
    ) -> GuiContext:
        """The GUI's context over ``services`` running on ``engine``."""
        return cls(on_engine(engine, services), engine.hub, engine, sessions, start_demo)
