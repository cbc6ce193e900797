"""Asking for the vault passphrase from the engine thread, answered by a dialog on the GUI thread.

The vault (used only when no OS keychain exists) calls its passphrase provider on the thread that
reads a key, which is the engine thread. :class:`PassphrasePrompt` hands the question to the GUI
thread with a queued signal and waits for the answer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from app import APP_NAME

ANSWER_TIMEOUT_S = 300.0


@dataclass
class _Question:
    done: threading.Event = field(default_factory=threading.Event)
    answer: str | None = None


class PassphrasePrompt(QObject):
    """A vault passphrase provider (``Callable[[], str | None]``) backed by a Qt dialog.

    Create it on the GUI thread; call it from any other thread.
    """

    _ask = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ask.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.enabled = True

    def __call__(self) -> str | None:
        """Ask the user; None when cancelled, when there is no GUI, or on the GUI thread."""
        app = QApplication.instance()
        if not self.enabled or app is None or threading.current_thread() is threading.main_thread():
            return None
        question = _Question()
        self._ask.emit(question)
        question.done.wait(ANSWER_TIMEOUT_S)
        return question.answer

    @Slot(object)
    def _show(self, question: _Question) -> None:
        try:
            text, ok = QInputDialog.getText(
                None,
                f"{APP_NAME} — vault passphrase",
                "No system keychain is available, so API keys are kept in an encrypted vault.\n"
                "Enter the vault passphrase (a new vault uses the one you choose now):",
                QLineEdit.EchoMode.Password,
            )
            question.answer = text if ok and text else None
        finally:
            question.done.set()
