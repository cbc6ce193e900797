"""The PySide6 face of OrderDesk Tray: tray icon, windows, dialogs and Qt models.

It talks to core only through the engine (``await engine.run(coro)`` on the qasync loop) and
through Qt signals adapted from the engine's event hub. It never imports :mod:`app.mcp`.
Entry point: :func:`app.gui.application.run_gui`.
"""
