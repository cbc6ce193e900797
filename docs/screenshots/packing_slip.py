"""Render a packing slip and a pick list of demo-store orders to PDF, then page 1 to PNG.

Needs ``pdftoppm`` (poppler-utils). Run under a display (or ``QT_QPA_PLATFORM=offscreen``):
``python docs/screenshots/packing_slip.py``. Uses the same HTML builder and PDF writer as the
order browser's Print menu; writes ``packing-slip.png`` and ``pick-list.png`` next to this file.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def main() -> int:
    """Write the two PNGs."""
    from PySide6.QtGui import QTextDocument
    from PySide6.QtWidgets import QApplication

    from app.core.orderdesk import Order
    from app.gui.orders.printing import write_pdf
    from app.gui.orders.printing_html import gift_message, packing_slips_html, pick_list_html
    from app.sandbox import SandboxStoreSpec
    from app.sandbox.bucket import LeakyBucket
    from app.sandbox.store import SandboxStore

    app = QApplication.instance() or QApplication(sys.argv)
    store = SandboxStore(SandboxStoreSpec(orders=300), LeakyBucket(20, 3.0, False))
    orders = [Order(store.order(order_id)) for order_id in list(store.rows)[-60:]]
    gifts = [o for o in orders if gift_message(o) and len(o.items) >= 2] or orders
    pages = {
        "packing-slip": packing_slips_html("Demo Store", gifts[:1]),
        "pick-list": pick_list_html("Demo Store", orders[:12]),
    }
    folder = Path(tempfile.mkdtemp(prefix="odt-print-"))
    for name, html in pages.items():
        document = QTextDocument()
        document.setHtml(html)
        pdf = folder / f"{name}.pdf"
        assert write_pdf(document, pdf), pdf
        target = HERE / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf, target],
            check=True,
        )
        print(f"wrote {name}.png from {pdf} ({pdf.stat().st_size:,} bytes)")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
