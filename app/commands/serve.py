"""``orderdesk-mcp serve (--stdio | --listen | --http PORT) [--demo]``: the headless MCP server.

The same engine as the tray, without Qt: database, settings, a log file (never stdout, which is
the protocol in ``--stdio`` mode), the engine thread and its services. ``--listen`` serves the
local endpoint like the tray does and ``--http`` Streamable HTTP on 127.0.0.1, both until
SIGINT/SIGTERM; ``--stdio`` serves one session for ``$ORDERDESK_TRAY_TOKEN`` (read-only without).

``--demo`` starts the sandbox Order Desk on loopback and registers it as "Demo Store". Its API
key is a public constant, so :class:`app.demo.DemoKeySecrets` answers it without touching
the keychain or the vault: the demo works headless in CI, where no keychain exists.

Start-up is :mod:`app.runtime`'s, the same as the tray's. ``--stdio`` first takes the pipes
(:class:`~app.mcp.transport.early.EarlyStdio`), opens the database and checks the token, and then
answers the client's ``initialize`` from the handshake the last start remembered, then loads the
services and answers read-only tool calls that arrived meanwhile (the first ``orders_get`` from
the local mirror ~0.3 s after the spawn), and only then imports the MCP SDK (about half a
second); other requests wait for it, in order.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from typing import TYPE_CHECKING, Any

from app.commands import EXIT_OK, CommandError

if TYPE_CHECKING:
    from app.core.access.identity import ClientIdentity
    from app.core.access.limits import ClientLimits
    from app.mcp.host import McpHost
    from app.mcp.transport.early import EarlyStdio
    from app.mcp.transport.session import SessionState
    from app.runtime import Runtime

log = logging.getLogger(__name__)

TOKEN_ENV = "ORDERDESK_TRAY_TOKEN"  # noqa: S105 - the variable's name
BURST_QUIET_S = 0.2
"""Seconds without a new request after which the client's first burst counts as answered."""
BURST_LIMIT_S = 2.0
"""Seconds the MCP SDK's import waits at most for early answers to finish."""


def register(subparsers: Any) -> None:
    """Add the ``serve`` command."""
    parser = subparsers.add_parser(
        "serve",
        help="run the MCP server without the tray",
        description="Run the MCP server headless: on stdio for one client, on the local "
        "endpoint (like the tray) or on Streamable HTTP at 127.0.0.1.",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--stdio", action="store_true", help="serve one client on stdin/stdout")
    mode.add_argument("--listen", action="store_true", help="serve the local endpoint")
    mode.add_argument("--http", type=_port, metavar="PORT", help="serve HTTP on 127.0.0.1:PORT")
    parser.add_argument("--demo", action="store_true", help="add the sandbox Demo Store")
    parser.set_defaults(handler=serve)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)")
    return int(text)


def prepare_host(runtime: Runtime, demo: bool, limits: ClientLimits | None = None) -> McpHost:
    """Add the demo store when asked, start the index syncs, and build the MCP host.

    Scheduled syncs of the local order index start here for every store that keeps one (the
    demo store always); the first sync runs in the background.

    Raises:
        CommandError: A real store already has the demo store's name.
    """
    add_demo(runtime, demo)
    # In the background: scheduling reads API keys (a vault unlock costs ~0.3 s), which must
    # not delay the client's initialize; a fresh mirror costs no request at start.
    runtime.engine.spawn(runtime.services.start_index_syncs())
    runtime.services.start_reconciling()
    return runtime.mcp_host(limits)


def add_demo(runtime: Runtime, demo: bool) -> None:
    """Start the sandbox and register the demo store when asked (once).

    Raises:
        CommandError: A real store already has the demo store's name.
    """
    if demo and not runtime.sandboxes:
        from app.demo import DemoStoreConflict

        try:
            store = runtime.engine.call(runtime.add_demo())
        except DemoStoreConflict as exc:
            raise CommandError(str(exc)) from None
        log.info("demo store ready (id %s) at %s", store.id, store.api_url)


def serve(args: argparse.Namespace) -> int:
    """Run the chosen transport until the client leaves (stdio) or a signal arrives."""
    from app.commands.runtime import running_runtime, storage

    if args.stdio:
        return _serve_stdio(demo=bool(args.demo))
    with storage(), running_runtime(demo_keys=bool(args.demo)) as runtime:
        host = prepare_host(runtime, args.demo)
        return _serve_until_signal(host, listen=bool(args.listen), http_port=args.http)


def _serve_stdio(*, demo: bool) -> int:
    """One session on stdin/stdout: pipes, database and token first, then the heavy rest."""
    from app.commands.runtime import running_runtime, storage
    from app.mcp.transport.early import EarlyStdio

    early = EarlyStdio.claim()
    try:
        with storage():
            _check_token()
            if early is not None:
                _answer_early(early)
            with running_runtime(demo_keys=demo) as runtime:
                identity = _stdio_identity()
                state, limits = _session(runtime, identity, early, demo)
                host = prepare_host(runtime, demo, limits)
                runtime.engine.call(host.serve_stdio(identity, early=early, state=state))
            if early is not None:
                log.info(early.summary())
    finally:
        if early is not None:
            early.close()
    return EXIT_OK


def _session(
    runtime: Runtime, identity: ClientIdentity, early: EarlyStdio | None, demo: bool
) -> tuple[SessionState, ClientLimits]:
    """The stdio session and its client's limits; read-only tool calls that arrive before the
    MCP SDK is loaded are answered meanwhile (when ``initialize`` was answered early), and the
    SDK's import waits until the client's first burst of them is answered."""
    from app.core import settings
    from app.core.access.limits import ClientLimits
    from app.mcp.transport.session import SessionState

    state = SessionState(identity=identity, client_name="stdio")
    limits = ClientLimits(reader=settings.get)
    if early is None or early.early_result is None:
        return state, limits
    from app.mcp.tools.context import McpContext
    from app.mcp.transport.early_tools import EarlyTools

    add_demo(runtime, demo)
    services = runtime.services
    services.local_orders.read_only_start = True  # until prepare_host starts the syncs
    app = McpContext(
        services, services.approvals, limits, runtime.engine.hub, services.clients.registry
    )
    version = early.early_result.get("protocolVersion")
    early.serve_early(EarlyTools(app, state, runtime.engine.loop, version))
    early.wait_burst(BURST_QUIET_S, BURST_LIMIT_S)
    return state, limits


def _check_token() -> None:
    """Refuse an unknown or revoked ``$ORDERDESK_TRAY_TOKEN`` before the client is let in (one
    indexed read; the access layer itself loads later).

    Raises:
        CommandError: The token is unknown or revoked.
    """
    from app.core.db.tokens import verify_token

    token = os.environ.get(TOKEN_ENV)
    if token and verify_token(token.strip(), touch=False) is None:
        _stdio_identity()  # raises with the access layer's sentence


def _stdio_identity() -> ClientIdentity:
    """Who ``$ORDERDESK_TRAY_TOKEN`` is (read-only anonymous without one).

    Raises:
        CommandError: The token is unknown or revoked.
    """
    from app.core.access import AuthenticationError, ClientRegistry

    try:
        return ClientRegistry().authenticate(os.environ.get(TOKEN_ENV) or None)
    except AuthenticationError as exc:
        raise CommandError(str(exc)) from None


def _answer_early(early: EarlyStdio) -> None:
    """Let the client's ``initialize`` be answered from the remembered handshake."""
    from app import __version__
    from app.core.paths import data_home
    from app.mcp.transport.early import CACHE_FILE, HandshakeCache, sdk_versions

    cache = HandshakeCache(data_home() / CACHE_FILE, f"app {__version__}; {sdk_versions()}")
    early.answer_with(cache.load, cache.store)


def _serve_until_signal(host: McpHost, *, listen: bool, http_port: int | None) -> int:
    from app.mcp.transport.endpoint_file import EndpointBusy

    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in _signals()}
    try:
        try:
            host.start(local=listen, http_port=http_port)
        except EndpointBusy as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"Could not open the MCP endpoint: {exc.strerror or exc}") from None
        _announce(host)
        stop.wait()
        host.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_OK


def _signals() -> list[signal.Signals]:
    return [signal.SIGINT, signal.SIGTERM] + (
        [signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else []
    )


def _announce(host: McpHost) -> None:
    import sys

    if host.endpoint is not None:
        where = host.endpoint.path or f"{host.endpoint.host}:{host.endpoint.port}"
        print(f"orderdesk-mcp: serving the local endpoint at {where}", file=sys.stderr)
    if host.http_url is not None:
        print(f"orderdesk-mcp: serving MCP over HTTP at {host.http_url}", file=sys.stderr)
    sys.stderr.flush()
