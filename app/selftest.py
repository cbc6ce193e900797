"""The installation self-test behind ``orderdesk-tray --selftest`` and ``orderdesk-mcp --selftest``.

It proves that a build (frozen or not) has everything it needs: every backend imports, the
encrypted vault works, a database opens and migrates in a temp folder, the engine thread and the
demo sandbox start and talk, and one MCP tool call goes through the stdio shim to a headless
host. Each check prints one timed line; nothing touches the user's real data folder.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from app import __version__
from app.selftest_mcp import (
    MCP_TIMEOUT,
    call_through_shim,
    selftest_token,
    stop_process,
    wait_for_endpoint,
)

HOME_ENV = "ORDERDESK_TRAY_HOME"
CORE_MODULES = (
    "httpx",
    "peewee",
    "platformdirs",
    "bcrypt",
    "cryptography.hazmat.primitives.ciphers.aead",
    "sqlite3",
    "ssl",
)
# Python's own C extensions that link system libraries (libsqlite3, libssl/libcrypto, libbz2,
# liblzma, libuuid, libffi, libmpdec, libz, libexpat). Their pure-Python wrappers can import
# without them (uuid, decimal fall back silently), so the extensions are imported by name: a
# bundle that left out a library fails here, not later on a user's machine (issue 10.4).
STDLIB_EXTENSIONS = (
    "_sqlite3",
    "_ssl",
    "_hashlib",
    "_bz2",
    "_lzma",
    "_uuid",
    "_ctypes",
    "_decimal",
    "zlib",
    "pyexpat",
)
KEYRING_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
    "keyring.backends.chainer",
    "keyring.backends.fail",
    "keyring.backends.null",
    "secretstorage",
    "jeepney",
)
MCP_MODULES = ("mcp", "mcp.server", "mcp_types", "pydantic", "anyio", "uvicorn", "starlette")
QT_MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtNetwork", "qasync")
SKIPPED_APP_MODULES = ("__main__",)


class CheckSkipped(Exception):
    """A check that cannot run in this build; its message says why."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    name: str
    status: str  # "ok", "FAIL" or "skip"
    millis: float
    detail: str


Check = Callable[[Path], str]


def run_selftest(out: TextIO, *, gui: bool = False) -> int:
    """Run every check, print a line per check and a summary; return the exit code.

    Args:
        out: Where the lines go (stdout for the commands).
        gui: Also check that Qt imports (the tray's self-test; the headless command skips it).

    Returns:
        0 when no check failed, else 1.
    """
    started = time.perf_counter()
    print(f"OrderDesk Tray {__version__} self-test ({describe_runtime()})", file=out, flush=True)
    results = []
    with temporary_home() as home:
        for name, check in checks(gui):
            result = run_check(name, check, home)
            print(format_result(result), file=out, flush=True)
            results.append(result)
    failed = sum(result.status == "FAIL" for result in results)
    skipped = sum(result.status == "skip" for result in results)
    total_ms = (time.perf_counter() - started) * 1000
    print(
        f"selftest: {len(results) - failed - skipped} ok, {failed} failed, {skipped} skipped "
        f"in {total_ms:.0f} ms",
        file=out,
        flush=True,
    )
    return 1 if failed else 0


def checks(gui: bool) -> list[tuple[str, Check]]:
    """The checks in the order they run."""
    chosen: list[tuple[str, Check]] = [
        ("import core", lambda _home: import_all(CORE_MODULES)),
        ("import stdlib C", lambda _home: import_all(STDLIB_EXTENSIONS)),
        ("import keyring", lambda _home: import_all(KEYRING_MODULES)),
        ("import mcp", lambda _home: import_all(MCP_MODULES)),
    ]
    if gui:
        chosen.append(("import qt", lambda _home: import_all(QT_MODULES)))
    chosen += [
        ("import app", lambda _home: import_app_modules(gui)),
        ("resources", check_resources),
        ("keychain", check_keychain),
        ("vault", check_vault),
        ("database", check_database),
        ("engine+sandbox", check_engine_and_sandbox),
        ("mcp via shim", check_mcp_through_shim),
    ]
    return chosen


def run_check(name: str, check: Check, home: Path) -> CheckResult:
    """Run one check and time it; an exception becomes a failed result with its message."""
    started = time.perf_counter()
    try:
        detail, status = check(home), "ok"
    except CheckSkipped as exc:
        detail, status = str(exc), "skip"
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        detail, status = f"{type(exc).__name__}: {exc} ({where})", "FAIL"
    return CheckResult(name, status, (time.perf_counter() - started) * 1000, detail)


def format_result(result: CheckResult) -> str:
    """One aligned line: status, name, time, detail."""
    return f"{result.status:<4}  {result.name:<15} {result.millis:7.0f} ms  {result.detail}"


def describe_runtime() -> str:
    """Python version, platform and whether this is a frozen bundle."""
    kind = "frozen" if getattr(sys, "frozen", False) else "source"
    python = ".".join(str(part) for part in sys.version_info[:3])
    return f"{kind}, Python {python}, {sys.platform}"


@contextmanager
def temporary_home() -> Iterator[Path]:
    """Point ``ORDERDESK_TRAY_HOME`` at a fresh temp folder for the run; restore it after."""
    previous = os.environ.get(HOME_ENV)
    with tempfile.TemporaryDirectory(prefix="odt-selftest-", ignore_cleanup_errors=True) as tmp:
        os.environ[HOME_ENV] = tmp
        try:
            yield Path(tmp)
        finally:
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous


def import_all(names: tuple[str, ...]) -> str:
    """Import each module; raises on the first that fails."""
    for name in names:
        importlib.import_module(name)
    return f"{len(names)} modules"


def import_app_modules(gui: bool) -> str:
    """Import every module of the ``app`` package (``app.gui`` only with ``gui``)."""
    import app

    count = 0
    for info in pkgutil.walk_packages(app.__path__, "app."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf in SKIPPED_APP_MODULES or (not gui and info.name.startswith("app.gui")):
            continue
        importlib.import_module(info.name)
        count += 1
    if count < 20:
        raise RuntimeError(f"only {count} app modules found; the bundle is missing code")
    return f"{count} modules"


def check_resources(_home: Path) -> str:
    """Every app icon (SVG, each PNG size, .ico, .icns) ships with this installation."""
    from app.resources import ICON_FILES, resource_path

    icons = [resource_path(f"icons/{name}") for name in ICON_FILES]
    return f"{len(icons)} icons in {icons[0].parent}"


def check_keychain(_home: Path) -> str:
    """Say which secret store this machine would use (both answers are valid)."""
    import keyring

    from app.core.secrets.keychain import backend_display_name, keychain_problem

    backend = keyring.get_keyring()
    problem = keychain_problem(backend)
    if problem is None:
        return f"system keychain: {backend_display_name(backend)}"
    return f"no system keychain ({problem}); API keys would go to the encrypted vault"


def check_vault(home: Path) -> str:
    """Encrypt, read back and delete a secret in a throw-away vault (cheap KDF costs)."""
    from app.core.secrets.vault import VaultSecretStore
    from app.core.secrets.vault_crypto import VaultParams

    cheap = VaultParams(scrypt_n=2**10, scrypt_r=8, scrypt_p=1, bcrypt_cost=4)
    vault = VaultSecretStore(home / "selftest-vault.json", params=cheap)
    vault.unlock("selftest passphrase")
    vault.set("1", "selftest-secret")
    vault.lock()
    vault.unlock("selftest passphrase")
    if vault.get("1") != "selftest-secret":
        raise RuntimeError("the vault did not return the secret it stored")
    vault.delete("1")
    return "AES-GCM round trip"


def check_database(home: Path) -> str:
    """Create, migrate and close a database in the temp data folder."""
    from app.core import settings
    from app.core.db import close_db, init_db, schema_version

    db = init_db()
    try:
        settings.upsert_defaults()
        version = schema_version(db)
    finally:
        close_db()
    return f"schema v{version} in {home}"


def check_engine_and_sandbox(_home: Path) -> str:
    """Start the engine thread and the demo sandbox; GET /test and one order page; stop both."""
    from app.core.engine import Engine
    from app.core.orderdesk import OrderDeskClient
    from app.sandbox import DEMO_API_KEY, DEMO_STORE_ID, SandboxServer, SandboxStoreSpec

    async def talk(base_url: str) -> str:
        async with OrderDeskClient(DEMO_STORE_ID, DEMO_API_KEY, base_url=base_url) as client:
            await client.test_connection()
            page = await client.list_orders(limit=5)
        return f"GET /test and {len(page.records)} of {page.total_records} orders over {base_url}"

    engine = Engine("orderdesk-selftest")
    with SandboxServer(stores=[SandboxStoreSpec(orders=20)]) as sandbox:
        engine.start()
        try:
            detail = engine.call(talk(sandbox.base_url), timeout=20)
        finally:
            engine.stop()
    return detail


def orderdesk_mcp_command() -> list[str]:
    """How to run ``orderdesk-mcp`` from here: the sibling executable when frozen."""
    if not getattr(sys, "frozen", False):
        return [sys.executable, "-m", "app.cli"]
    suffix = ".exe" if sys.platform == "win32" else ""
    executable = Path(sys.executable).with_name(f"orderdesk-mcp{suffix}")
    if not executable.is_file():
        raise RuntimeError(f"{executable.name} is missing next to {Path(sys.executable).name}")
    return [str(executable)]


def check_mcp_through_shim(home: Path) -> str:
    """Start ``serve --listen --demo`` in the temp folder, call one tool through the shim, stop."""
    if importlib.util.find_spec("app.commands.serve") is None:
        raise CheckSkipped("this build has no `orderdesk-mcp serve` command yet")
    command = orderdesk_mcp_command()
    env = {key: value for key, value in os.environ.items() if key != "ORDERDESK_TRAY_TOKEN"}
    env[HOME_ENV] = str(home)
    # The local endpoint refuses token-less clients: present one, as a configured client does.
    env["ORDERDESK_TRAY_TOKEN"] = selftest_token()
    deadline = time.monotonic() + MCP_TIMEOUT
    with (home / "host-stderr.txt").open("w+b") as host_log:
        host = subprocess.Popen(
            [*command, "serve", "--listen", "--demo"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=host_log,
        )
        try:
            wait_for_endpoint(home, host, host_log, deadline)
            return call_through_shim(command, env, deadline)
        finally:
            stop_process(host)
