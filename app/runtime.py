"""One start-up for every process: the tray, ``orderdesk-mcp serve`` and the CLI commands.

The steps below the GUI, in STYLE.md's order (the callers do 1-2 and 7-8 themselves):

1. excepthook and crash dialog (tray)    5. database, migrations, settings: :func:`open_storage`
2. arguments                              6. engine thread and the services on it:
3. data folders                              :meth:`Runtime.start`
4. rotating log                           7. QApplication, 8. tray (``app.__main__``)

This module is the composition root: it may import core, the sandbox and (lazily) the MCP
host; core imports none of them, and the GUI only receives a :class:`~app.gui.context.GuiContext`
built here. The services and the demo are imported when :meth:`Runtime.start` needs them, so
:func:`open_storage` stays light (``serve --stdio`` answers ``initialize`` right after it).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.access.limits import ClientLimits
    from app.core.access.sessions import LiveSessions
    from app.core.engine import Engine
    from app.core.secrets import SecretStore
    from app.core.services import Services, StoreRecord
    from app.gui.context import GuiContext
    from app.mcp.host import McpHost
    from app.sandbox import SandboxServer

log = logging.getLogger("app.runtime")
STOP_BUDGET_S = 2.0
TRAY_ENGINE = "orderdesk-engine"


def open_storage() -> None:
    """Open and migrate the database, upsert the settings, apply the configured log level.

    Raises:
        SchemaTooNewError: The database was written by a newer version of the app.
    """
    from app.core import settings
    from app.core.db import init_db
    from app.core.logs import setup_logging

    init_db()
    settings.upsert_defaults()
    setup_logging(settings.get_str("log.level"))


class LatePassphrasePrompt:
    """The vault passphrase provider; its :attr:`target` is set once something can ask.

    The tray points it at the GUI's dialog once the QApplication exists, the commands at a
    terminal prompt. Until then (or without a target) it answers None: no passphrase.
    """

    def __init__(self) -> None:
        self.target: Callable[[], str | None] | None = None

    def __call__(self) -> str | None:
        """Ask through the current target, if there is one."""
        return self.target() if self.target is not None else None


@dataclass
class Runtime:
    """Everything below the faces: engine, services, AI-client access, the demo sandboxes.

    Attributes:
        engine: The engine thread (running).
        services: The one services facade both faces call.
        secrets: Where API keys live (wrapped so the demo key needs no keychain, when asked).
        prompt: Where a vault passphrase comes from.
        sessions: The AI client sessions connected now (fed by hub events).
        host: The MCP host once :meth:`mcp_host` built it (``serve``, :meth:`serve_ai_clients`).
        sandboxes: Demo sandboxes started by :meth:`add_demo` (stopped at :meth:`close`).
    """

    engine: Engine
    services: Services
    secrets: SecretStore
    prompt: LatePassphrasePrompt
    sessions: LiveSessions
    host: McpHost | None = None
    sandboxes: list[SandboxServer] = field(default_factory=list)

    @classmethod
    def start(cls, *, engine_name: str = TRAY_ENGINE, demo_keys: bool = True) -> Runtime:
        """Start the engine thread and build the services on it (storage already open).

        Args:
            engine_name: The engine thread's name.
            demo_keys: Answer the demo store's public key without the keychain (the tray and
                ``serve --demo``, which can add the demo store); the store commands keep every
                key.
        """
        from app.core.access.sessions import LiveSessions
        from app.core.engine import Engine
        from app.core.secrets import deferred_secret_store
        from app.core.services import Services

        engine = Engine(engine_name)
        engine.start()
        prompt = LatePassphrasePrompt()
        store: SecretStore = deferred_secret_store(prompt)
        secrets: SecretStore = store
        if demo_keys:
            from app.demo import DemoKeySecrets

            secrets = DemoKeySecrets(store)
        services = Services.create(engine, secrets=secrets)
        sessions = LiveSessions(engine.hub)  # before the MCP host: it sees every session
        return cls(engine, services, secrets, prompt, sessions)

    # -- the demo store ---------------------------------------------------------------------

    async def add_demo(self) -> StoreRecord:
        """Start a sandbox Order Desk and register it as "Demo Store" (engine loop).

        Raises:
            DemoStoreConflict: A real store already has the demo's name.
        """
        from app.demo import DemoKeySecrets, add_demo_store, demo_sandbox

        if not isinstance(self.secrets, DemoKeySecrets):
            raise RuntimeError("this runtime was started without demo keys")
        sandbox = demo_sandbox().start()
        self.sandboxes.append(sandbox)
        store_id = await add_demo_store(self.services, self.secrets, sandbox.base_url)
        return await self.services.stores.resolve(store_id)

    # -- AI clients -------------------------------------------------------------------------

    def mcp_host(self, limits: ClientLimits | None = None) -> McpHost:
        """The MCP host over this runtime's services, their client registry and approval queue
        (built once; ``limits``: the per-client limits, when calls were served before it)."""
        if self.host is None:
            from app.core import settings
            from app.mcp.host import McpHost

            services = self.services
            self.host = McpHost(
                self.engine, services, services.clients.registry, settings.get,
                approvals=services.approvals, limits=limits,
            )  # fmt: skip
        return self.host

    def start_background(self) -> None:
        """Start the scheduled index syncs and serve AI clients, without delaying the tray.

        The MCP SDK takes about half a second to import, so it is imported there, on the
        engine thread. A failure (another process owns the endpoint) reaches the tray tooltip
        as an ``engine.error`` event.
        """
        self.engine.spawn(self.services.start_index_syncs())
        self.services.start_reconciling()
        self.engine.spawn(self.serve_ai_clients())

    async def serve_ai_clients(self) -> None:
        """Start the MCP host's endpoints (engine loop); a failure becomes an error event."""
        from app.core.events import ERROR, Event
        from app.mcp.transport.endpoint_file import EndpointBusy

        host = self.mcp_host()
        try:
            await host.astart()
        except (EndpointBusy, OSError) as error:
            log.warning("MCP host not started: %s", error)
            self.host = None
            message = f"AI clients cannot connect: {error}"
            self.engine.hub.publish(Event.of(ERROR, message=message))
            return
        log.info("MCP host serving")

    # -- the GUI's view ---------------------------------------------------------------------

    def gui_context(self) -> GuiContext:
        """What the windows get: the services through the engine proxy, the hub, the sessions."""
        from app.gui.context import GuiContext

        async def start_demo() -> StoreRecord:
            return await self.engine.run(self.add_demo())

        return GuiContext.build(
            self.engine, self.services, sessions=self.sessions, start_demo=start_demo
        )

    def close(self) -> None:
        """Stop the engine (its closers stop the MCP host, index, pool, DB), then the sandboxes."""
        started = time.perf_counter()
        self.engine.stop(STOP_BUDGET_S)
        self.sessions.close()
        for sandbox in self.sandboxes:
            sandbox.stop()
        log.info("stopped in %.0f ms", (time.perf_counter() - started) * 1000)
