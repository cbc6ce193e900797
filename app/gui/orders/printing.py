"""Print packing slips and pick lists of the selected orders: print dialog, preview and PDF.

The pages are HTML from :mod:`.printing_html` laid out by a ``QTextDocument``; this module only
collects the orders, asks the user (print dialog, preview, file name) and hands the document to
a ``QPrinter``. Every dialog opens window-modal without blocking (``open()``); :attr:`dialog` is
the open one (tests, keyboard users).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QDialog,
    QMenu,
    QMenuBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.core.orderdesk import Order
from app.gui.errors import is_expected, user_message
from app.gui.orders.printing_html import packing_slips_html, pick_list_html
from app.gui.orders.source import OrderSource
from app.gui.orders.view import BrowserView
from app.gui.save_dialog import save_file_dialog
from app.gui.tasks import TaskGroup

MAX_PRINTED = 500
"""The most orders one print job reads (from the local mirror in one read when it is current,
else one Order Desk read per order)."""


class Sheet(Enum):
    """What to print."""

    SLIPS = "packing slips"
    PICK_LIST = "pick list"


def build_html(sheet: Sheet, store_name: str, orders: Sequence[Order]) -> str:
    """The HTML of ``sheet`` for ``orders``."""
    if sheet is Sheet.SLIPS:
        return packing_slips_html(store_name, orders)
    return pick_list_html(store_name, orders)


def new_printer(pdf_path: Path | None = None) -> QPrinter:
    """A high-resolution printer with 12 mm margins; a PDF writer when ``pdf_path`` is given."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageMargins(QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter)
    if pdf_path is not None:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(pdf_path))
    return printer


def render(document: QTextDocument, printer: QPrinter) -> None:
    """Lay ``document`` out on ``printer``'s pages and print it."""
    document.print_(printer)


def write_pdf(document: QTextDocument, path: Path) -> bool:
    """Write ``document`` to ``path`` as a PDF; False when no file came out (a bad folder)."""
    render(document, new_printer(path))
    return path.is_file() and path.stat().st_size > 0


class OrderPrinter(QObject):
    """Packing slips and pick lists for the selected orders.

    Args:
        view: Which store is shown, and the status line.
        source: Full orders (the local mirror when it is current, else Order Desk).
        selected_ids: The ids of the selected orders, in view order.
        parent: Parent of the dialogs (the window).
    """

    def __init__(
        self,
        view: BrowserView,
        source: OrderSource,
        selected_ids: Callable[[], list[str]],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.source = source
        self.selected_ids = selected_ids
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.dialog: QDialog | None = None
        self.document: QTextDocument | None = None
        self.printer: QPrinter | None = None
        self.button: QToolButton | None = None
        self.menu = self._menu()

    def _menu(self) -> QMenu:
        """The Print menu: print, preview and save as PDF for slips and pick list."""
        menu = QMenu("&Print", self.parent_widget)
        entries: list[tuple[str, str | None, Callable[[], None]]] = [
            ("Print packing &slips…", "Ctrl+P", lambda: self.print_sheet(Sheet.SLIPS)),
            ("Print &pick list…", "Ctrl+Shift+P", lambda: self.print_sheet(Sheet.PICK_LIST)),
            ("Pre&view packing slips…", None, lambda: self.preview(Sheet.SLIPS)),
            ("Previe&w pick list…", None, lambda: self.preview(Sheet.PICK_LIST)),
            ("Save packing slips as P&DF…", None, lambda: self.save_pdf(Sheet.SLIPS)),
            ("Save pick list as PD&F…", None, lambda: self.save_pdf(Sheet.PICK_LIST)),
        ]
        for text, shortcut, slot in entries:
            action = QAction(text, menu)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            menu.addAction(action)
        self.parent_widget.addActions(menu.actions())  # shortcuts work with the menu closed
        return menu

    def install(
        self, toolbar: QToolBar, before: QAction, menu_bar: QMenuBar, context: QMenu
    ) -> None:
        """Put the Print button on ``toolbar`` (before ``before``), the Print menu on
        ``menu_bar``, and the two print commands on the ``context`` menu."""
        toolbar.insertWidget(before, self.tool_button())
        menu_bar.addMenu(self.menu)
        self.add_to(context)

    def add_to(self, menu: QMenu) -> None:
        """Add the two print commands to another menu (the Selection menu of right clicks)."""
        menu.addSeparator()
        menu.addActions(self.menu.actions()[:2])

    def tool_button(self) -> QToolButton:
        """A toolbar button that opens :attr:`menu`."""
        button = QToolButton()
        button.setText("Print")
        button.setToolTip("Packing slips and pick list of the selected orders (Ctrl+P)")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setMenu(self.menu)
        self.button = button
        return button

    # -- entry points -----------------------------------------------------------------------

    def print_sheet(self, sheet: Sheet) -> None:
        """Ask which printer (print dialog), then print ``sheet`` for the selection."""

        async def run() -> None:
            document = await self._document(sheet)
            if document is None:
                return
            printer = self.printer = new_printer()
            dialog = QPrintDialog(printer, self.parent_widget)
            dialog.setWindowTitle(f"Print {sheet.value}")
            dialog.accepted.connect(lambda: self._printed(sheet, document, printer))
            self._open(dialog)

        self.tasks.start(run())

    def preview(self, sheet: Sheet) -> None:
        """Show ``sheet`` for the selection in a print preview (print from there)."""

        async def run() -> None:
            document = await self._document(sheet)
            if document is None:
                return
            printer = self.printer = new_printer()
            dialog = QPrintPreviewDialog(printer, self.parent_widget)
            dialog.setWindowTitle(f"Preview {sheet.value}")
            dialog.paintRequested.connect(lambda target: render(document, target))
            self._open(dialog)

        self.tasks.start(run())

    def save_pdf(self, sheet: Sheet, path: Path | None = None) -> None:
        """Ask for a file name (unless ``path`` is given) and write ``sheet`` as a PDF."""
        if path is not None:
            self.tasks.start(self._write_pdf(sheet, path))
            return
        name = "packing-slips.pdf" if sheet is Sheet.SLIPS else "pick-list.pdf"
        title = f"Save {sheet.value} as PDF"
        write = self._write_pdf
        dialog = save_file_dialog(
            self.parent_widget, title, name, lambda chosen: self.tasks.start(write(sheet, chosen))
        )
        self._open(dialog)

    # -- work -------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        QDialog.open(dialog)  # QPrintDialog.open() wants a receiver in PySide6

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _printed(self, sheet: Sheet, document: QTextDocument, printer: QPrinter) -> None:
        render(document, printer)
        self.view.show_error(f"Sent the {sheet.value} to {printer.printerName() or 'the printer'}.")

    async def _write_pdf(self, sheet: Sheet, path: Path) -> None:
        document = await self._document(sheet)
        if document is None:
            return
        if not write_pdf(document, path):
            self.view.show_error(f"Could not write {path}: check the folder's permissions.")
            return
        self.view.show_error(f"Saved the {sheet.value} to {path}.")

    async def _document(self, sheet: Sheet) -> QTextDocument | None:
        """The laid-out document for the selection (None, with a sentence, when there is none)."""
        store = self.view.current_store()
        ids = self.selected_ids()
        if store is None or not ids:
            self.view.show_error("Select one or more orders first.")
            return None
        if len(ids) > MAX_PRINTED:
            self.view.show_error(f"Select at most {MAX_PRINTED} orders to print at once.")
            return None
        self.view.show_error(f"Preparing the {sheet.value} of {len(ids)} order(s)…")
        try:
            found = await self.source.full_orders(store.key, ids)  # the mirror in one read
            orders = [found[order_id] for order_id in ids]
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))
            return None
        document = self.document = QTextDocument(self)
        document.setHtml(build_html(sheet, store.name, orders))
        self.view.show_error(f"{sheet.value.capitalize()} ready: {len(orders)} order(s).")
        return document
