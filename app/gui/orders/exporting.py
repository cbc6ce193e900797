"""Export the browser's current view (every page of it) to a CSV file, with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from app.core.orderdesk import Order
from app.gui.errors import is_expected, user_message
from app.gui.orders.export import write_csv
from app.gui.orders.rows import OrderRow
from app.gui.orders.source import OrderSource
from app.gui.orders.table_model import OrdersTableModel
from app.gui.orders.view import BrowserView
from app.gui.save_dialog import save_file_dialog
from app.gui.tasks import TaskGroup

EXPORT_PAGE = 500


class CsvExporter(QObject):
    """Writes every order of the view's query to a CSV file.

    Args:
        view: Which store is shown, and the status line.
        source: Pages of rows.
        model: The table (its query is what is exported).
        parent: Parent of the file and progress dialogs (the window).
    """

    def __init__(
        self, view: BrowserView, source: OrderSource, model: OrdersTableModel, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.source = source
        self.model = model
        self.parent_widget = parent
        self.tasks = TaskGroup()
        self.dialog: QFileDialog | None = None

    def export_csv(self, path: Path | None = None) -> None:
        """Ask where (unless ``path`` is given), then write every order of the current view.

        The save dialog opens window-modal without blocking (:meth:`QDialog.open`); the export
        starts when a file is chosen. :attr:`dialog` is the open dialog (tests, keyboard users).
        """
        if self.view.store_key is None:
            return
        if path is not None:
            self.tasks.start(self._export(path))
            return
        dialog = save_file_dialog(
            self.parent_widget, "Export orders", "orders.csv",
            lambda chosen: self.tasks.start(self._export(chosen)),
        )  # fmt: skip
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    async def _export(self, path: Path) -> None:
        progress = QProgressDialog("Collecting orders…", "Cancel", 0, 0, self.parent_widget)
        progress.setWindowTitle("Export CSV")
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.NonModal)  # modal would processEvents()
        try:
            collected = await self._collect(progress)
            if collected is None:
                self.view.show_error("Export cancelled; nothing was written.")
                return
            rows, orders = collected
            count = write_csv(path, rows, self.view.folders, orders)
        except Exception as error:
            if not is_expected(error):
                raise
            self.view.show_error(user_message(error))
            return
        finally:
            progress.close()
        self.view.show_error(f"Exported {count:,} orders to {path}.")

    async def _collect(
        self, progress: QProgressDialog
    ) -> tuple[list[OrderRow], dict[str, Order]] | None:
        """Every row of the query with its full order, page by page; None when cancelled."""
        query = self.model.query
        rows: list[OrderRow] = []
        orders: dict[str, Order] = {}
        total: int | None = None
        while total is None or len(rows) < total:
            if progress.wasCanceled():
                return None
            page, full = await self.source.full_page(query, len(rows), EXPORT_PAGE)
            total = page.total
            rows.extend(page.rows)
            orders.update(full)
            progress.setMaximum(total)
            progress.setValue(len(rows))
            if not page.rows:
                break
        return rows, orders
