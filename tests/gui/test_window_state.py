"""Windows open within the available screen and come back where they were."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QMainWindow

from app.gui.window_state import WindowPlacement, fit_size, geometry_file, inside, read_all

pytestmark = pytest.mark.gui
WAIT = 30000


def test_fit_and_inside_keep_a_frame_on_the_screen() -> None:
    laptop = QRect(0, 0, 1280, 770)
    assert fit_size(QSize(1440, 860), laptop) == QSize(1232, 722)
    assert inside(QRect(1000, 600, 600, 400), laptop) == QRect(680, 370, 600, 400)
    assert inside(QRect(-50, -20, 2000, 300), laptop) == QRect(0, 0, 1280, 300)


def test_a_window_opens_within_the_screen_and_remembers_its_geometry(qtbot: Any) -> None:
    first = QMainWindow()
    qtbot.addWidget(first)
    WindowPlacement(first, "probe", QSize(5000, 4000))  # larger than any screen
    first.show()
    qtbot.waitExposed(first)
    available = first.screen().availableGeometry()
    qtbot.waitUntil(lambda: available.contains(first.frameGeometry()), timeout=WAIT)
    first.setGeometry(120, 90, 640, 420)
    qtbot.waitUntil(lambda: first.size() == QSize(640, 420), timeout=WAIT)
    where = first.geometry()  # a window manager may have nudged it: what it is now counts
    first.close()
    assert "probe" in read_all(geometry_file())
    again = QMainWindow()
    qtbot.addWidget(again)
    WindowPlacement(again, "probe", QSize(900, 700))
    again.show()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: again.size() == where.size(), timeout=WAIT)
    qtbot.waitUntil(lambda: near(again.geometry(), where), timeout=WAIT)
    again.close()


def near(shown: QRect, saved: QRect, slack: int = 40) -> bool:
    """Same place give or take a window frame."""
    return abs(shown.x() - saved.x()) <= slack and abs(shown.y() - saved.y()) <= slack
