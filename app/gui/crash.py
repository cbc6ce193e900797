"""Unexpected errors: a crash report and a dialog the user can copy it from.

Expected trouble (a locked keychain, Order Desk down, a 429) is shown where it happens with a
sentence for the user; only bugs end up in the crash dialog. An expected error that no view
caught still reaches the hook: it gets its sentence in a message box, never a crash report.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from types import TracebackType
from typing import Any

from app import APP_NAME, __version__
from app.core.errors import ExpectedError, as_expected
from app.core.logs import redact

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def crash_report(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    """Return a plain-text report of an unexpected error, with secrets redacted.

    Args:
        kind: The exception class.
        error: The exception.
        tb: Its traceback.
    """
    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        f"Thread: {threading.current_thread().name}",
        "",
        *traceback.format_exception(kind, error, tb),
    ]
    return redact("\n".join(line.rstrip("\n") for line in lines))


class CrashHandler:
    """Installs ``sys.excepthook`` and ``threading.excepthook``; shows a dialog once Qt is up.

    Before a QApplication exists the report goes to the log and stderr only.
    """

    def __init__(self) -> None:
        self.gui_ready = False
        self._showing = False
        self._previous = sys.excepthook
        self._messages: list[Any] = []  # open message boxes (kept alive until closed)

    def install(self) -> None:
        """Route uncaught exceptions of every thread to :meth:`handle`."""
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        """Put the previous hooks back (tests)."""
        sys.excepthook = self._previous
        threading.excepthook = threading.__excepthook__

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """Log the error and, on the GUI thread with Qt running, show the crash dialog."""
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, error, tb)
            return
        expected = as_expected(error)
        if expected is not None:
            self._tell(expected)
            return
        report = crash_report(kind, error, tb)
        log.error("unexpected error\n%s", report)
        print(report, file=sys.stderr)
        if self._on_gui_thread():
            self._show(report)

    def _on_gui_thread(self) -> bool:
        return self.gui_ready and threading.current_thread() is threading.main_thread()

    def _tell(self, error: ExpectedError) -> None:
        """Show an expected error's sentence and action in a (non-blocking) message box."""
        log.warning("not shown where it happened: %s", error)
        if not self._on_gui_thread():
            return
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, str(error))
        self._messages.append(box)
        box.finished.connect(lambda _result: self._messages.remove(box))
        box.open()

    def _show(self, report: str) -> None:
        if self._showing:  # an error inside the dialog must not open another one
            return
        self._showing = True
        try:
            from app.gui.crash_dialog import CrashDialog

            CrashDialog(report).exec()
        finally:
            self._showing = False
