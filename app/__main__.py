"""``python -m app`` / ``orderdesk-tray``: start the tray app in one readable order.

1. excepthook and crash dialog      5. database, migrations, settings
2. arguments                         6. engine thread: services, index, demo sandbox
3. data folders                      7. QApplication and the qasync loop
4. rotating log                      8. tray (or the order browser when there is no tray),
                                        then the MCP host on the engine thread

Steps 5 and 6 are :mod:`app.runtime`, shared with ``orderdesk-mcp serve`` and the commands.
A second launch on the same data folder asks the first to show its window and exits 0;
``--quit`` asks it to quit and waits until it has stopped (:mod:`app.gui.instance`).
Quitting stops the MCP host, the engine and the sandbox, in that order, within about 2 s.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app import APP_NAME, __version__

if TYPE_CHECKING:
    from app.gui.crash import CrashHandler
    from app.runtime import Runtime

log = logging.getLogger("app.main")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the tray's command line (``--demo``, ``--version``, ``--selftest``, ``--quit``)."""
    parser = argparse.ArgumentParser(prog="orderdesk-tray", description=f"{APP_NAME}.")
    parser.add_argument("--version", action="version", version=f"orderdesk-tray {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="also serve a local demo store with generated orders"
    )
    parser.add_argument(
        "--selftest", action="store_true", help="check the installation, print a line per check"
    )
    parser.add_argument(
        "--quit", action="store_true", help="close a running tray cleanly and wait until it stops"
    )
    return parser.parse_args(list(sys.argv[1:] if argv is None else argv))


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
    exit_code = claim_instance(quit_running=args.quit)  # 3
    if exit_code is not None:
        return exit_code
    from app.core.logs import setup_logging

    setup_logging()  # 4
    log.info("starting %s %s (demo=%s)", APP_NAME, __version__, args.demo)
    from app.core.db import SchemaTooNewError, close_db
    from app.runtime import Runtime, open_storage

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


def claim_instance(*, quit_running: bool) -> int | None:
    """Data folders, then be the one tray of this data folder: None to go on, else an exit code.

    Refuses a private runtime folder another user planted; ``--quit`` asks the running tray to
    quit; a second launch asks the first to show its window; on Windows the installer's mutex
    is held from here on.
    """
    from app.core import paths
    from app.gui.instance import ask_running_instance_to_show, hold_app_mutex, quit_command

    paths.data_home()
    try:
        paths.runtime_dir()  # the private socket folder: refuse one another user planted
    except paths.UnsafeFolderError as error:
        print(f"{APP_NAME}: {error}", file=sys.stderr)
        return 1
    if quit_running:
        return quit_command()
    if ask_running_instance_to_show():
        print(f"{APP_NAME} is already running: its window was brought forward.", file=sys.stderr)
        return 0
    hold_app_mutex()  # Windows: the installer's AppMutex
    return None


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
    instance.quit_requested.connect(tray.quit)  # orderdesk-tray --quit (the installer)
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
