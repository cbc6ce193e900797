"""Take screenshots of every window against the demo store.

Run under a display, e.g.
``xvfb-run -a -s "-screen 0 1600x1000x24" python docs/screenshots/take.py``
(start ``trayer`` first for a tray host). Uses a temporary data folder; writes PNGs next to
this file.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


async def save(widget: Any, name: str) -> None:
    """Let layouts and paints settle on the running loop, then grab ``widget`` to ``name``.png.

    Never ``processEvents()`` inside a coroutine: it would run other tasks re-entrantly.
    """
    await asyncio.sleep(0.4)
    pixmap = widget.grab()
    pixmap.save(str(HERE / f"{name}.png"))
    print(f"wrote {name}.png ({pixmap.width()}x{pixmap.height()})")


def main() -> int:
    """Open each window on the demo store and save a PNG of it."""
    home = tempfile.mkdtemp(prefix="odt-shots-")
    os.environ["ORDERDESK_TRAY_HOME"] = home
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    os.environ.setdefault("ORDERDESK_TRAY_VAULT_PASSPHRASE", "screenshots")
    from app.gui.application import TrayApplication, create_qt_app, install_loop
    from app.runtime import Runtime, open_storage

    open_storage()
    runtime = Runtime.start()
    try:
        os.environ.setdefault("QT_QPA_PLATFORMTHEME", "")
        qt = create_qt_app(["orderdesk-tray"])
        loop = install_loop(qt)
        return loop.run_until_complete(shoot(runtime, TrayApplication))
    finally:
        runtime.close()


async def shoot(runtime: object, tray_class: type) -> int:
    """Take every screenshot (runs on the qasync loop)."""
    tray = tray_class(runtime.gui_context())  # type: ignore[attr-defined]
    await shoot_stores(runtime, tray)
    await shoot_orders(runtime, tray)
    await shoot_bulk(runtime, tray)
    await shoot_inventory(tray)
    await shoot_dialogs(runtime, tray)
    await shoot_tray(tray)
    tray.close()
    return 0


async def shoot_item_editor(window: Any) -> None:
    """The order window with an item selected and its Change item form over it (screen grab:
    the form is its own window)."""
    from PySide6.QtWidgets import QApplication

    window.detail.items.selectRow(0)
    window.editors.change_item()
    dialog = window.actions_.dialog
    dialog.quantity.setValue(3)
    dialog.quantity.selectAll()
    await asyncio.sleep(0.6)
    area = window.frameGeometry()
    shot = QApplication.primaryScreen().grabWindow(0, area.x(), area.y(), area.width(),
                                                   area.height())  # fmt: skip
    shot.save(str(HERE / "item-editor.png"))
    print(f"wrote item-editor.png ({shot.width()}x{shot.height()})")
    dialog.reject()
    window.detail.items.clearSelection()


async def shoot_new_order(window: Any) -> None:
    """The New order form, filled in, with a problem it found before sending."""
    form = window.creator.open()
    form.email.setText("ada@example.com")
    for key, text in (
        ("first_name", "Ada"),
        ("last_name", "Park"),
        ("address1", "12 Elm St"),
        ("city", "Austin"),
        ("state", "TX"),
        ("postal_code", "73301"),
    ):
        form.shipping[key].setText(text)  # fmt: skip
    for column, text in enumerate(("Mug", "MUG-1", "12,50", "2")):
        form.items.item(0, column).setText(text)
    form.add_item()
    form.buttons.button(form.buttons.StandardButton.Ok).click()  # 12,50: not an amount
    await save(form, "new-order")
    form.reject()


async def shoot_stores(runtime: Any, tray: Any) -> None:
    """Store manager: first run, the add form with a refused key, the demo store listed."""
    stores = tray.show_stores()
    await until(lambda: stores.empty.isVisible())
    await save(stores, "stores-first-run")
    await runtime.engine.run(runtime.add_demo())
    await until(lambda: len(stores.stores) == 1)
    form = stores.add_store()
    form.name.setText("Main shop")
    form.store_id.setText("100001")
    form.api_key.setText("a-wrong-key")
    form.api_url.setText(runtime.sandboxes[0].base_url)
    form.test_connection()
    await until(lambda: "rejected" in form.outcome.text())
    await save(form, "store-add-refused")
    form.close()
    stores.table.selectRow(0)
    await save(stores, "stores")
    stores.close()


async def shoot_orders(runtime: Any, tray: Any) -> None:
    """The order browser on the demo store, with the index built and an order selected."""
    window = tray.show_orders()
    await until(lambda: window.model.rowCount() > 0, 60)
    window.sync_index()
    await until(lambda: window.source.uses_index(window.store_key), 60)
    await until(lambda: "(" in window.folder_counts().get(None, ""))
    await until(lambda: window.model.rowCount() > 0 and not window.busy)  # the index's first page
    window.select_row(0)
    await until(lambda: window.detail.order is not None)
    await until(lambda: not window.busy)
    await save(window, "orders")
    store, order = window.current_store(), window.detail.order
    orders = runtime.services.orders
    await runtime.engine.run(
        orders.add_shipment(store, order.id, {"tracking_number": "1Z999AA10123456784",
                                              "carrier_code": "UPS"}, actor="mcp:Claude")
    )  # fmt: skip
    await runtime.engine.run(orders.move(store, [order.id], 2, actor="mcp:Claude"))
    await until(lambda: window.detail.shipments.rowCount() == 1)
    await until(lambda: window.folder_counts()[2] != "Prepared (58)")
    await until(lambda: not window.busy)
    await save(window, "orders-after-ai-change")
    window.actions_.add_shipment()
    await save(window.actions_.dialog, "add-shipment")
    window.actions_.dialog.close()
    await shoot_item_editor(window)
    await shoot_new_order(window)
    window.filter_bar.search.setText("Tanaka")
    window.filter_bar.apply_now()
    await until(lambda: window.model.query.text == "Tanaka")
    await until(lambda: not window.busy)
    await save(window, "orders-search")


async def shoot_inventory(tray: Any) -> None:
    """The inventory window with a search and a selection, and a CSV import's preview."""
    from app.gui.inventory_import import plan_import, read_stock_csv

    window = tray.show_inventory()
    await until(lambda: window.model.rowCount() > 0 and not window.busy, 60)
    window.search.setText("tee")
    await until(lambda: window.view.rowCount() < window.model.rowCount())
    for row in (1, 2, 3):
        window.table.selectionModel().select(
            window.view.index(row, 0),
            window.table.selectionModel().SelectionFlag.Select
            | window.table.selectionModel().SelectionFlag.Rows,
        )
    await save(window, "inventory")
    items = window.model.items()
    lines = [f"{item.code},{item.stock + 12}" for item in items[:6]]
    lines += ["GIFT-CARD-50,40", f"{items[7].code},{items[7].stock}"]
    text = "SKU,stock\n" + "\n".join(lines)
    dialog = window.preview(plan_import(read_stock_csv(text), items), "stock-count.csv")
    await save(dialog, "inventory-import")
    dialog.close()
    window.search.clear()


async def shoot_bulk(runtime: Any, tray: Any) -> None:
    """Twelve orders selected (click, Shift+click) and a bulk note on them half done."""
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    from app.sandbox.faults import Fault

    window = tray.show_orders()
    window.filter_bar.search.setText("")
    window.filter_bar.apply_now()
    await until(lambda: window.model.query.text == "" and window.model.rowCount() > 20)
    await until(lambda: not window.busy)
    window.table.selectRow(2)
    window.table.selectionModel().select(
        QItemSelection(window.model.index(2, 0), window.model.index(13, 8)),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    await until(lambda: len(window.selected_ids()) == 12)
    sandbox = runtime.sandboxes[0]
    # each note takes a while at "Order Desk", so the shot shows the job half done
    sandbox.add_fault(Fault(kind="delay", method="POST", path="/orders/*/order-history",
                            seconds=1.5, times=12))  # fmt: skip
    window.bulk.add_note()
    window.bulk.dialog.text.setPlainText("Packed and labelled; picked up by UPS at 4 pm.")
    window.bulk.dialog.accept()
    await until(lambda: window.bulk.panel.progress.value() >= 4)
    await save(window, "bulk-selection")
    sandbox.clear_faults()
    await until(lambda: not window.bulk.running, 60)


async def shoot_dialogs(runtime: Any, tray: Any) -> None:
    """Activity, connect a client, settings, an approval prompt and the crash dialog."""
    from app.core.access import ApprovalRequest, ClientIdentity, FieldChange, Policy
    from app.gui.crash import crash_report
    from app.gui.crash_dialog import CrashDialog

    activity = tray.show_activity()
    await until(lambda: any(e.action == "order.move" for e in activity.entries))
    await until(lambda: not activity.tasks.busy)
    moved = next(n for n, e in enumerate(activity.entries) if e.action == "order.move")
    activity.table.selectRow(moved)  # Claude's move: named folders, and Move back
    await save(activity, "activity")
    session = await connect_clients(runtime)
    clients = tray.show_connect_client()
    await until(lambda: "1 session(s)" in clients.connected.sessions_line.text())
    await save(clients, "connect-client")
    settings = tray.show_settings()
    await until(lambda: bool(settings.loaded))
    await save(settings, "settings")
    tray.start()
    client = ClientIdentity("Claude Desktop", frozenset({"move"}), None, Policy.ASK, 1)
    names = ("Ana Souza", "Ben Okafor", "Chen Wei", "Dana Levi", "Emil Berg", "Fatima Noor")
    moves = tuple(
        FieldChange("folder", ("New", "Paid", "Awaiting Stock")[i % 3], "Cancelled",
                    f"#{3000 + i} · {names[i % len(names)]}")
        for i in range(30)
    )  # fmt: skip
    request = ApprovalRequest(
        client, "Demo Store", "orders_move", "30 orders", moves,
        "Move 30 order(s) to folder Cancelled; the folder's rules will run.",
    )  # fmt: skip
    runtime.engine.submit(runtime.services.approvals.request(request))
    await until(lambda: bool(tray._approvals.dialogs))
    dialog = next(iter(tray._approvals.dialogs.values()))
    dialog.changes.topLevelItem(0).setExpanded(True)
    dialog.resize(640, 460)
    await until(lambda: dialog.armed)
    await save(dialog, "approval")
    session.close()
    try:
        raise RuntimeError("an example of an unexpected error")
    except RuntimeError as error:
        dialog = CrashDialog(crash_report(type(error), error, error.__traceback__))
        dialog.show()
        await save(dialog, "crash-dialog")
        dialog.close()


async def connect_clients(runtime: Any) -> socket.socket:
    """Register two AI clients and connect one through the real MCP host, as the shim does."""

    async def add(name: str, scopes: str, stores: list[str] | None, policy: str) -> str:
        return str(runtime.services.clients.registry.add(name, scopes, stores, policy)[1])

    token = await runtime.engine.run(add("Claude Desktop", "read,write-notes,move",
                                         ["Demo Store"], "ask"))  # fmt: skip
    await runtime.engine.run(add("Cursor", "read", None, "allow"))
    await runtime.engine.run(runtime.serve_ai_clients())
    return hello(runtime.host.endpoint.path, token, "claude")  # milliseconds: the engine answers


def hello(path: str, token: str, client: str) -> socket.socket:
    """Open a session on the local endpoint: the shim's hello line, then its reply."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    sock.sendall(json.dumps({"token": token, "client": client}).encode() + b"\n")
    reply = b""
    while not reply.endswith(b"\n"):
        reply += sock.recv(4096)
    return sock


async def shoot_tray(tray: Any) -> None:
    """The tray menu, and the screen's top edge where a tray host shows the icon."""
    from PySide6.QtWidgets import QApplication

    if tray.tray is None:
        print("no system tray here (start trayer): tray shots skipped")
        return
    tray.tray.menu.aboutToShow.emit()
    tray.tray.menu.popup(QApplication.primaryScreen().geometry().center())
    await save(tray.tray.menu, "tray-menu")
    tray.tray.menu.hide()
    screen = QApplication.primaryScreen()
    top = screen.grabWindow(0, screen.geometry().width() - 400, 0, 400, 40)
    top.save(str(HERE / "tray-icon.png"))
    print("wrote tray-icon.png")


async def until(condition: Callable[[], bool], limit: float = 20.0) -> None:
    """Await (letting the loop run) until ``condition()`` holds, for at most ``limit`` s."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the window did not reach the expected state: {condition}")
        await asyncio.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
