"""The PySide6 face of OrderDesk Tray: tray icon, windows, dialogs and Qt models.

It talks to core only through the services facade, whose engine proxy runs each call on the
engine thread (``await ctx.services.orders.update(...)`` on the qasync loop, see
:mod:`app.gui.engine_proxy`), and through Qt signals adapted from the engine's event hub
(:class:`app.gui.bridge.HubBridge`).
It never imports :mod:`app.mcp`. Start-up lives in :mod:`app.__main__` and :mod:`app.runtime`,
which use :mod:`app.gui.application` (``create_qt_app``, ``install_loop``, ``TrayApplication``,
``quit_on_signals``, ``run_until_quit``).
"""
