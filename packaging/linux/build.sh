#!/usr/bin/env bash
# Build the Linux bundle: dist/orderdesk-tray/ (two executables, one _internal) and
# dist/orderdesk-tray-VERSION-linux-ARCH.tar.gz. Usage: bash packaging/linux/build.sh [--no-tar]
# Uses .venv (created if missing) and installs PyInstaller into it (the "build" extra).
set -euo pipefail
cd "$(dirname "$0")/../.."
make_tar=1
[ "${1:-}" = "--no-tar" ] && make_tar=0

if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
PY=.venv/bin/python
"$PY" -c "import PyInstaller, app" 2>/dev/null || "$PY" -m pip install -q -e ".[build]"
VERSION=$("$PY" -c "import app; print(app.__version__)")
ARCH=$(uname -m)

started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
  packaging/orderdesk-tray.spec
BUNDLE=dist/orderdesk-tray
mkdir -p "$BUNDLE/share"
cp packaging/linux/orderdesk-tray.desktop packaging/linux/orderdesk-tray-autostart.desktop \
  "$BUNDLE/share/"
cp packaging/linux/install-desktop.sh "$BUNDLE/"
echo "build: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1) unpacked) in $(($(date +%s) - started)) s"

if [ "$make_tar" = 1 ]; then
  TARBALL=dist/orderdesk-tray-$VERSION-linux-$ARCH.tar.gz
  tar -C dist -czf "$TARBALL" orderdesk-tray
  echo "build: $TARBALL ($(du -h "$TARBALL" | cut -f1))"
fi
