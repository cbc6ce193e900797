"""Take screenshots of every window against the demo store.

Run under a display, e.g.
``xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take.py``
(start ``trayer`` first for a tray host). Uses a temporary data folder; writes PNGs next to
this file.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Process Qt events until ``condition()`` holds (or fail after ``timeout``)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.3) -> None:
    """Let layouts and paints finish before a grab."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: object, name: str) -> None:
    """Grab ``widget`` into ``name``.png."""
    settle()
    pixmap = widget.grab()  # type: ignore[attr-defined]
    pixmap.save(str(HERE / f"{name}.png"))
    print(f"wrote {name}.png ({pixmap.width()}x{pixmap.height()})")


def main() -> int:
    """Open each window on the demo store and save a PNG of it."""
    home = tempfile.mkdtemp(prefix="odt-shots-")
    os.environ["ORDERDESK_TRAY_HOME"] = home
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    os.environ.setdefault("ORDERDESK_TRAY_VAULT_PASSPHRASE", "screenshots")
    import app.__main__ as start
    from app.gui.application import TrayApplication, create_qt_app, install_loop

    start.open_storage()
    runtime = start.Runtime.start()
    try:
        qt = create_qt_app(["orderdesk-tray"])
        loop = install_loop(qt)
        return loop.run_until_complete(shoot(runtime, TrayApplication))
    finally:
        runtime.close()


async def shoot(runtime: object, tray_class: type) -> int:
    """Take every screenshot (runs on the qasync loop)."""
    from PySide6.QtWidgets import QApplication

    tray = tray_class(runtime.gui_context())  # type: ignore[attr-defined]
    stores = tray.show_stores()
    await until(lambda: stores.empty.isVisible())
    save(stores, "stores-first-run")
    form = stores.add_store()
    form.name.setText("Main shop")
    form.store_id.setText("123456")
    form.api_key.setText("wrong-key-for-the-screenshot")
    save(form, "store-add")
    form.close()
    await runtime.engine.run(runtime.add_demo())  # type: ignore[attr-defined]
    await until(lambda: len(stores.stores) == 1)
    save(stores, "stores")
    stores.close()
    window = tray.show_orders()
    await until(lambda: window.model.rowCount() > 0 and not window.indexing.syncing, 60)
    await until(lambda: "(" in window.folder_counts().get(None, ""))
    window.select_row(0)
    await until(lambda: window.detail.order is not None)
    save(window, "orders")
    if tray.tray is not None:
        tray.tray.rebuild_menu()
        tray.tray.menu.popup(QApplication.primaryScreen().geometry().center())
        save(tray.tray.menu, "tray-menu")
        tray.tray.menu.hide()
    tray.close()
    return 0


async def until(condition: Callable[[], bool], limit: float = 20.0) -> None:
    """Await (letting the loop run) until ``condition()`` holds, for at most ``limit`` s."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not reach the expected state")
        await asyncio.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
