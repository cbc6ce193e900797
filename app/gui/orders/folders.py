"""The folder side list: "All orders" and each folder, with order counts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

ALL_ORDERS = "All orders"


def folder_label(name: str, count: int | None) -> str:
    """``New (1,234)``, or just the name while the count is unknown."""
    return f"{name} ({count:,})" if count is not None else name


class FolderList(QListWidget):
    """Emits :attr:`folder_chosen` with a folder id (None: every folder)."""

    folder_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMaximumWidth(220)
        self.currentItemChanged.connect(self._changed)

    def fill(
        self, folders: dict[int, str], counts: dict[int | None, int], current: int | None
    ) -> None:
        """Show ``folders`` with ``counts``; keep ``current`` selected (no signal)."""
        self.blockSignals(True)
        self.clear()
        entries: list[tuple[int | None, str]] = [(None, ALL_ORDERS), *sorted(folders.items())]
        for folder_id, name in entries:
            item = QListWidgetItem(folder_label(name, counts.get(folder_id)))
            item.setData(Qt.ItemDataRole.UserRole, folder_id)
            self.addItem(item)
            if folder_id == current:
                self.setCurrentItem(item)
        self.blockSignals(False)

    def labels(self) -> dict[int | None, str]:
        """Folder id -> the text shown."""
        return {
            self.item(i).data(Qt.ItemDataRole.UserRole): self.item(i).text()
            for i in range(self.count())
        }

    def choose(self, folder_id: int | None) -> bool:
        """Select a folder (emits :attr:`folder_chosen`); False when it is not listed."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == folder_id:
                self.setCurrentRow(i)
                return True
        return False

    def _changed(self, item: QListWidgetItem | None, _: QListWidgetItem | None) -> None:
        if item is not None:
            self.folder_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
