"""What the GUI is handed at start: the engine and the core services it calls through it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.core.engine import Engine
from app.core.secrets import SecretStore

if TYPE_CHECKING:
    from app.core.access import ApprovalQueue, ClientRegistry
    from app.core.access.sessions import LiveSessions
    from app.core.services.records import StoreRecord


@dataclass
class GuiContext:
    """Everything windows need; built by :mod:`app.__main__` (or a test).

    Attributes:
        engine: The running engine. Every core call goes through ``await engine.run(...)``.
        services: The core services container (stores, orders, audit).
        registry: AI client tokens, for the "Connect an AI client" dialog.
        approvals: The approval queue the tray answers.
        sessions: The AI client sessions connected now (fed by hub events); None when the
            MCP host is not part of this process.
        secrets: Where API keys live (for the store manager's backend sentence and unlock).
        start_demo: Starts the demo sandbox and registers "Demo Store" (GUI thread, returns the
            store once it is ready); None when the demo is not offered.
    """

    engine: Engine
    services: Any
    secrets: SecretStore
    registry: ClientRegistry | None = None
    approvals: ApprovalQueue | None = None
    sessions: LiveSessions | None = None
    start_demo: Callable[[], Awaitable[StoreRecord]] | None = None
