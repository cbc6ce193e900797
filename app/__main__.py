"""``python -m app`` / ``orderdesk-tray``: start the tray app in one readable order.

1. excepthook and crash dialog      5. database, migrations, settings
2. arguments                         6. engine thread: services, index, demo sandbox
3. data folders                      7. QApplication and the qasync loop
4. rotating log                      8. tray (or the order browser when there is no tray),
                                        then the MCP host on the engine thread

A second launch on the same data folder asks the first to show its window and exits 0.
Quitting stops the MCP host, the engine and the sandbox, in that order, within about 2 s.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app import APP_NAME, __version__

if TYPE_CHECKING:
    from app.core.demo import DemoKeySecrets
    from app.core.engine import Engine
    from app.core.sandbox import SandboxServer
    from app.core.services import Services, StoreRecord
    from app.gui.context import GuiContext
    from app.gui.crash import CrashHandler
    from app.mcp.host import McpHost

log = logging.getLogger("app.main")
STOP_BUDGET_S = 2.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the tray's command line (``--demo``, ``--version``, ``--selftest``)."""
    parser = argparse.ArgumentParser(prog="orderdesk-tray", description=f"{APP_NAME}.")
    parser.add_argument("--version", action="version", version=f"orderdesk-tray {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="also serve a local demo store with generated orders"
    )
    parser.add_argument(
        "--selftest", action="store_true", help="check the installation, print a line per check"
    )
    return parser.parse_args(list(sys.argv[1:] if argv is None else argv))


class LatePassphrasePrompt:
    """The vault passphrase provider, answered by the GUI once it exists (None before)."""

    def __init__(self) -> None:
        self.target: Callable[[], str | None] | None = None

    def __call__(self) -> str | None:
        """Ask through the GUI's prompt, if there is one yet."""
        return self.target() if self.target is not None else None


@dataclass
class Runtime:
    """Everything below the GUI: engine, services, index, MCP host and the demo sandbox."""

    engine: Engine
    services: Services
    secrets: DemoKeySecrets
    prompt: LatePassphrasePrompt
    registry: Any
    approvals: Any
    sessions: Any
    host: McpHost | None = None
    sandboxes: list[SandboxServer] = field(default_factory=list)

    @classmethod
    def start(cls) -> Runtime:
        """Start the engine thread and build the services on it (database already bound)."""
        from app.core.access import ApprovalQueue, ClientRegistry
        from app.core.access.sessions import LiveSessions
        from app.core.demo import DemoKeySecrets
        from app.core.engine import Engine
        from app.core.secrets import open_secret_store
        from app.core.services import Services

        engine = Engine()
        engine.start()
        prompt = LatePassphrasePrompt()
        secrets = DemoKeySecrets(open_secret_store(prompt))
        services = Services.create(engine, secrets=secrets)
        return cls(
            engine, services, secrets, prompt,
            registry=ClientRegistry(engine.hub), approvals=ApprovalQueue(engine.hub),
            sessions=LiveSessions(engine.hub),  # before the MCP host: it sees every session
        )  # fmt: skip

    def start_background(self) -> None:
        """Start the scheduled index syncs and serve AI clients, without delaying the tray.

        The MCP SDK takes about half a second to import, so it is imported there, after the
        tray is up. A failure (another process owns the endpoint) reaches the tray tooltip as
        an ``engine.error`` event.
        """
        self.engine.spawn(self.services.start_index_syncs())
        self.engine.spawn(self._start_mcp())

    async def _start_mcp(self) -> None:
        from app.core import settings
        from app.core.events import ERROR, Event
        from app.mcp.host import McpHost
        from app.mcp.transport.endpoint_file import EndpointBusy

        host = McpHost(
            self.engine, self.services, self.registry, settings.get, approvals=self.approvals
        )
        try:
            await host.astart()
        except (EndpointBusy, OSError) as error:
            log.warning("MCP host not started: %s", error)
            message = f"AI clients cannot connect: {error}"
            self.engine.hub.publish(Event.of(ERROR, message=message))
            return
        self.host = host
        log.info("MCP host serving")

    async def add_demo(self) -> StoreRecord:
        """Start a sandbox Order Desk and register it as "Demo Store" (engine loop)."""
        from app.core.demo import add_demo_store, demo_sandbox

        sandbox = demo_sandbox().start()
        self.sandboxes.append(sandbox)
        store_id = await add_demo_store(self.services, self.secrets, sandbox.base_url)
        return await self.services.stores.resolve(store_id)

    def gui_context(self) -> GuiContext:
        """What the windows get: the engine and the services it runs."""
        from app.gui.context import GuiContext

        async def start_demo() -> StoreRecord:
            return await self.engine.run(self.add_demo())

        return GuiContext(
            engine=self.engine, services=self.services, secrets=self.secrets,
            registry=self.registry, approvals=self.approvals, sessions=self.sessions,
            start_demo=start_demo,
        )  # fmt: skip

    def close(self) -> None:
        """Stop the MCP host, the engine (closers: index, pool, DB) and the sandboxes."""
        started = time.perf_counter()
        self.engine.stop(STOP_BUDGET_S)  # its closers stop the MCP host, index, pool, DB
        self.sessions.close()
        for sandbox in self.sandboxes:
            sandbox.stop()
        log.info("stopped in %.0f ms", (time.perf_counter() - started) * 1000)


def open_storage() -> None:
    """Open and migrate the database, upsert the settings, apply the configured log level."""
    from app.core import settings
    from app.core.db import init_db
    from app.core.logs import setup_logging

    init_db()
    settings.upsert_defaults()
    setup_logging(settings.get_str("log.level"))


def main(argv: Sequence[str] | None = None) -> int:
    """Start the tray; returns the process exit code."""
    started = time.perf_counter()
    from app.gui.crash import CrashHandler

    crash = CrashHandler()
    crash.install()  # 1
    args = parse_args(argv)  # 2
    if args.selftest:
        from app.selftest import run_selftest

        return run_selftest(sys.stdout, gui=True)
    from app.core import paths

    paths.data_home()  # 3
    from app.gui.instance import ask_running_instance_to_show

    if ask_running_instance_to_show():
        print(f"{APP_NAME} is already running: its window was brought forward.", file=sys.stderr)
        return 0
    from app.core.logs import setup_logging

    setup_logging()  # 4
    log.info("starting %s %s (demo=%s)", APP_NAME, __version__, args.demo)
    from app.core.db import SchemaTooNewError, close_db

    try:
        open_storage()  # 5
    except SchemaTooNewError as error:
        print(f"{APP_NAME}: {error}", file=sys.stderr)
        return 1
    runtime = Runtime.start()  # 6
    try:
        if args.demo:
            runtime.engine.call(runtime.add_demo())
        return run_gui(runtime, crash, started, open_orders=args.demo)  # 7, 8
    finally:
        runtime.close()
        close_db()


def run_gui(
    runtime: Runtime, crash: CrashHandler, started: float, *, open_orders: bool = False
) -> int:
    """QApplication, qasync loop, tray; runs until Quit and returns the exit code.

    ``open_orders`` opens the order browser at once (the demo: something to look at first).
    """
    from app.gui.application import (
        TrayApplication,
        create_qt_app,
        install_loop,
        quit_on_signals,
        run_until_quit,
    )
    from app.gui.instance import InstanceServer
    from app.gui.passphrase import PassphrasePrompt

    app = create_qt_app(sys.argv[:1])
    loop = install_loop(app)
    crash.gui_ready = True
    prompt = PassphrasePrompt(app)
    runtime.prompt.target = prompt
    tray = TrayApplication(runtime.gui_context())
    instance = InstanceServer(parent=tray)
    instance.show_requested.connect(tray.show_orders)
    instance.listen()
    quit_on_signals(app, tray.quit)
    tray.start()
    log.info("tray up %.0f ms after start", (time.perf_counter() - started) * 1000)
    if open_orders:
        tray.show_orders()
    runtime.start_background()
    try:
        return run_until_quit(loop)
    finally:
        prompt.enabled = False
        runtime.prompt.target = None
        crash.gui_ready = False
        instance.close()
        tray.close()


if __name__ == "__main__":
    sys.exit(main())
