#!/usr/bin/env bash
# Optional (not CI): compile installer.iss on Linux with the npm `innosetup` package's ISCC.exe
# under wine, to catch script errors without a Windows machine. Needs Debian wine + wine32
# (dpkg --add-architecture i386; apt-get install wine wine32). The installer packs whatever is
# in dist/orderdesk-tray: a Linux bundle here, so the Setup.exe is only a compile check.
# Usage: bash packaging/windows/compile-installer.sh   -> dist/OrderDeskTray-Setup-<version>.exe
set -euo pipefail
cd "$(dirname "$0")/../.."
INNOSETUP=innosetup@6.4.1
command -v wine >/dev/null || { echo "wine is not installed (apt-get install wine wine32)" >&2; exit 1; }
[ -d dist/orderdesk-tray ] || { echo "no dist/orderdesk-tray: run packaging/linux/build.sh first" >&2; exit 1; }

TOOLS=build/innosetup
if [ ! -f "$TOOLS/node_modules/innosetup/bin/ISCC.exe" ]; then
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "$INNOSETUP"
fi
ISCC=$TOOLS/node_modules/innosetup/bin/ISCC.exe
python3 packaging/windows/write_version_iss.py

export WINEPREFIX=${WINEPREFIX:-$PWD/build/wineprefix} WINEDEBUG=-all
started=$(date +%s)
wine "$ISCC" /Q installer.iss
echo "compile-installer: $(ls -1 dist/OrderDeskTray-Setup-*.exe) ($(du -h dist/OrderDeskTray-Setup-*.exe | cut -f1 | head -1)) in $(($(date +%s) - started)) s"
