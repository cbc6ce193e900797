"""Follow the OS light/dark setting (Qt 6.5+: ``QStyleHints.colorScheme``).

Where the platform's own style already follows the setting (Windows 11, macOS, a GTK or KDE
platform theme) nothing changes. Where the OS says "dark" but the style still paints light
(plain X11, older Windows styles), the app switches to Fusion with a dark palette, and back to
the previous style when the OS turns light again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

DARK_MARK = "orderdeskDarkFrom"
"""Application property: the style name used before the dark palette was applied."""
ROLES: tuple[tuple[QPalette.ColorRole, str], ...] = (
    (QPalette.ColorRole.Window, "#2b2b2b"),
    (QPalette.ColorRole.WindowText, "#e6e6e6"),
    (QPalette.ColorRole.Base, "#1f1f1f"),
    (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
    (QPalette.ColorRole.ToolTipBase, "#353535"),
    (QPalette.ColorRole.ToolTipText, "#e6e6e6"),
    (QPalette.ColorRole.PlaceholderText, "#8c8c8c"),
    (QPalette.ColorRole.Text, "#e6e6e6"),
    (QPalette.ColorRole.Button, "#353535"),
    (QPalette.ColorRole.ButtonText, "#e6e6e6"),
    (QPalette.ColorRole.BrightText, "#ff6b6b"),
    (QPalette.ColorRole.Link, "#6ab0ff"),
    (QPalette.ColorRole.Highlight, "#2f6fbf"),
    (QPalette.ColorRole.HighlightedText, "#ffffff"),
)


def is_dark(palette: QPalette) -> bool:
    """True when ``palette`` paints light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """A dark palette (disabled text dimmed)."""
    palette = QPalette()
    for role, colour in ROLES:
        palette.setColor(role, QColor(colour))
    dim = QColor("#7a7a7a")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, dim)
    return palette


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Make the app's look match ``scheme`` (Unknown: leave it as the platform made it)."""
    previous = app.property(DARK_MARK)
    if scheme == Qt.ColorScheme.Dark and previous is None and not is_dark(app.palette()):
        app.setProperty(DARK_MARK, app.style().name())
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    elif scheme == Qt.ColorScheme.Light and previous is not None:
        app.setProperty(DARK_MARK, None)
        app.setStyle(str(previous))
        app.setPalette(app.style().standardPalette())


def follow_color_scheme(app: QApplication) -> None:
    """Match the OS setting now and whenever it changes."""
    hints = app.styleHints()
    apply_scheme(app, hints.colorScheme())
    hints.colorSchemeChanged.connect(lambda scheme: apply_scheme(app, scheme))
