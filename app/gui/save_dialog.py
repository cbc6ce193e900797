"""The Save dialog every export uses: a file name in the user's Documents folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget


def save_file_dialog(
    parent: QWidget | None, title: str, name: str, on_chosen: Callable[[Path], object]
) -> QFileDialog:
    """A Save dialog (not opened yet) offering ``name`` in the Documents folder.

    Args:
        parent: The window it belongs to.
        title: The dialog's title.
        name: The file name offered; its suffix (``.csv``, ``.pdf``) sets the file type.
        on_chosen: Called with the path the user picked.
    """
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suffix = Path(name).suffix.lstrip(".")
    dialog = QFileDialog(parent, title, str(Path(folder) / name), f"{suffix.upper()} (*.{suffix})")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix(suffix)
    dialog.fileSelected.connect(lambda chosen: on_chosen(Path(chosen)))
    return dialog
