"""PyInstaller entry script of ``orderdesk-tray`` (the windowed tray app)."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
