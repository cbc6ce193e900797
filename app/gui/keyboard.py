"""Every action reachable by keyboard: a toolbar's actions mirrored in a menu-bar menu.

Toolbar buttons take no keyboard focus, so an action that only lives on a toolbar and has no
shortcut cannot be reached without a mouse. :func:`toolbar_menu` puts the toolbar's actions
(the same ``QAction`` objects, so their shortcuts show) in a menu that Alt+letter or F10 opens;
:func:`unreachable_actions` lists what is still mouse-only (tests).
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton


def toolbar_menu(window: QMainWindow, title: str, bar: QToolBar) -> QMenu:
    """A menu titled ``title``, first in ``window``'s menu bar, with ``bar``'s button actions."""
    menu = QMenu(title, window)
    for action in bar.actions():
        if action.isSeparator():
            menu.addSeparator()
        elif isinstance(bar.widgetForAction(action), QToolButton) and action.text():
            menu.addAction(action)
    menus = window.menuBar().actions()
    if menus:
        window.menuBar().insertMenu(menus[0], menu)
    else:
        window.menuBar().addMenu(menu)
    return menu


def _in_menus(window: QMainWindow) -> set[QAction]:
    found: set[QAction] = set()
    pending = [_menu_of(action) for action in window.menuBar().actions()]
    while pending:
        menu = pending.pop()
        if menu is None:
            continue
        for action in menu.actions():
            found.add(action)
            pending.append(_menu_of(action))
    return found


def _menu_of(action: QAction) -> QMenu | None:
    menu = action.menu()
    return menu if isinstance(menu, QMenu) else None


def unreachable_actions(window: QMainWindow) -> list[str]:
    """Texts of toolbar buttons with neither a shortcut nor a place in a menu-bar menu."""
    in_menus = _in_menus(window)
    missing = []
    for bar in window.findChildren(QToolBar):
        for action in bar.actions():
            if not isinstance(bar.widgetForAction(action), QToolButton) or not action.text():
                continue
            if action.shortcut().isEmpty() and action not in in_menus:
                missing.append(action.text())
    return missing
