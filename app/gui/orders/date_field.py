"""A date box for filters: type ``YYYY-MM-DD`` or pick from a calendar; empty means any date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QHBoxLayout, QLineEdit, QToolButton, QWidget

ANY_TEXT = "any"
INVALID_STYLE = "color: #b91c1c;"


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; None for anything else."""
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


class _DateEdit(QLineEdit):
    """The text part: Alt+Down or F4 opens the calendar, like a combo box."""

    popup_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Alt+Down / F4: the calendar; everything else: typing."""
        alt_down = event.key() == Qt.Key.Key_Down and (
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.popup_requested.emit()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """A day, or no day ("any"): a text box with a clear button and a calendar button.

    :attr:`date_changed` fires when the box holds a new valid day or becomes empty (half-typed
    text fires nothing and shows in red). The calendar opens at the chosen day, else today.
    """

    date_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: date | None = None
        self.edit = _DateEdit()
        self.edit.setPlaceholderText(ANY_TEXT)
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip("YYYY-MM-DD · empty: any date · Alt+Down: calendar")
        digits = self.edit.fontMetrics().horizontalAdvance("0000-00-00")
        self.edit.setMinimumWidth(digits + 24)  # the day and the clear button, always readable
        self.edit.setMaximumWidth(digits + 48)
        self.edit.textChanged.connect(self._typed)
        self.edit.popup_requested.connect(self.open_calendar)
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip("Pick a date")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open_calendar)
        self.calendar = QCalendarWidget(self)
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setGridVisible(True)
        self.calendar.activated.connect(self._picked)
        self.calendar.clicked.connect(self._picked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def value(self) -> date | None:
        """The day entered, None for any."""
        return self._value

    def setDate(self, day: date | None) -> None:
        """Show ``day`` (None: any); fires :attr:`date_changed` when it differs."""
        self.edit.setText(day.isoformat() if day else "")

    def open_calendar(self) -> None:
        """Show the calendar under the box, at the chosen day or today."""
        shown = self._value or date.today()
        qdate = QDate(shown.year, shown.month, shown.day)
        self.calendar.setSelectedDate(qdate)
        self.calendar.setCurrentPage(qdate.year(), qdate.month())
        self.calendar.adjustSize()
        self.calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self.calendar.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, picked: QDate) -> None:
        self.calendar.hide()
        self.setDate(date(picked.year(), picked.month(), picked.day()))
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def _typed(self, text: str) -> None:
        day = parse_day(text)
        valid = day is not None or not text.strip()
        self.edit.setStyleSheet("" if valid else INVALID_STYLE)
        if valid and day != self._value:
            self._value = day
            self.date_changed.emit()
