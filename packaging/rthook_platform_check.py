"""PyInstaller run-time hook, run before every other hook and the entry script of both
executables: a Linux bundle on a too-old glibc stops here with a clear message instead of
failing on the first library that needs a newer one (PySide6's run-time hook loads Qt)."""

import sys
from pathlib import Path

from app.platform_check import exit_if_unsupported

exit_if_unsupported(gui=Path(sys.executable).stem == "orderdesk-tray")
