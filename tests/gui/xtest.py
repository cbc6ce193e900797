"""Real keyboard and mouse input for GUI tests, through the X server's XTEST extension.

``qtbot.keyClicks(widget, ...)`` delivers events straight to the widget it is given, so it
cannot show where a person's typing goes. XTEST makes the X server itself generate the key
presses: they reach whichever window has the X input focus, as a real keyboard's would.
Needs an X display (Xvfb) and libXtst (Debian ``libxtst6``, pulled in by ``x11-utils``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os


class XInput:
    """Fake key presses and clicks on the X display in ``$DISPLAY``."""

    def __init__(self) -> None:
        self.x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.x11.XQueryPointer.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), *([ctypes.POINTER(ctypes.c_int)] * 4),
            ctypes.POINTER(ctypes.c_uint),
        ]  # fmt: skip
        self.x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x11.XTranslateCoordinates.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_ulong),
        ]  # fmt: skip
        self.x11.XGetInputFocus.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int),
        ]
        self.xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong,
        ]  # fmt: skip
        self.xtst.XTestFakeButtonEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong,
        ]  # fmt: skip
        self.xtst.XTestFakeMotionEvent.argtypes = [
            ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong,
        ]  # fmt: skip
        self.display = self.x11.XOpenDisplay(os.environ["DISPLAY"].encode())
        if not self.display:
            raise OSError(f"cannot open X display {os.environ['DISPLAY']!r}")

    def close(self) -> None:
        """Close the connection to the X server."""
        self.x11.XCloseDisplay(self.display)

    def _keycode(self, keysym_name: str) -> int:
        keysym = self.x11.XStringToKeysym(keysym_name.encode())
        code = int(self.x11.XKeysymToKeycode(self.display, keysym))
        if not code:
            raise ValueError(f"no key for {keysym_name!r}")
        return code

    def key(self, keysym_name: str) -> None:
        """Press and release one key (an X keysym name: ``a``, ``space``, ``Return``)."""
        code = self._keycode(keysym_name)
        self.xtst.XTestFakeKeyEvent(self.display, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, 0, 0)
        self.x11.XSync(self.display, 0)

    def chord(self, modifier: str, keysym_name: str) -> None:
        """Hold ``modifier`` (e.g. ``Alt_L``) while pressing ``keysym_name``."""
        held = self._keycode(modifier)
        self.xtst.XTestFakeKeyEvent(self.display, held, 1, 0)
        self.key(keysym_name)
        self.xtst.XTestFakeKeyEvent(self.display, held, 0, 0)
        self.x11.XSync(self.display, 0)

    def type(self, text: str) -> None:
        """Type lower-case letters, digits and spaces."""
        for char in text:
            self.key("space" if char == " " else char)

    def click(self, x: int, y: int) -> None:
        """Move the pointer to screen position (x, y) and click the left button there."""
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.x11.XSync(self.display, 0)
        self.xtst.XTestFakeButtonEvent(self.display, 1, 1, 0)
        self.xtst.XTestFakeButtonEvent(self.display, 1, 0, 0)
        self.x11.XSync(self.display, 0)

    def move(self, x: int, y: int) -> None:
        """Move the pointer to screen position (x, y)."""
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.x11.XSync(self.display, 0)

    def origin(self, window: int) -> tuple[int, int]:
        """Where X window ``window``'s top-left corner is on the screen now (after any
        window manager moved or framed it; Qt's own idea may lag behind)."""
        x, y, child = ctypes.c_int(), ctypes.c_int(), ctypes.c_ulong()
        root = self.x11.XDefaultRootWindow(self.display)
        self.x11.XTranslateCoordinates(
            self.display, window, root, 0, 0, ctypes.byref(x), ctypes.byref(y), ctypes.byref(child)
        )
        return int(x.value), int(y.value)

    def pointer(self) -> tuple[int, int, int]:
        """The pointer's screen position and the top-level X window under it (0 if none)."""
        root_ret, child = ctypes.c_ulong(), ctypes.c_ulong()
        rx, ry, wx, wy = (ctypes.c_int() for _ in range(4))
        mask = ctypes.c_uint()
        root = self.x11.XDefaultRootWindow(self.display)
        self.x11.XQueryPointer(
            self.display, root, ctypes.byref(root_ret), ctypes.byref(child),
            ctypes.byref(rx), ctypes.byref(ry), ctypes.byref(wx), ctypes.byref(wy),
            ctypes.byref(mask),
        )  # fmt: skip
        return int(rx.value), int(ry.value), int(child.value)

    def focus_window(self) -> int:
        """The X window that has the keyboard focus (what real typing reaches)."""
        window, revert = ctypes.c_ulong(), ctypes.c_int()
        self.x11.XGetInputFocus(self.display, ctypes.byref(window), ctypes.byref(revert))
        return int(window.value)
