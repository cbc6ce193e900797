#!/usr/bin/env bash
# Build OrderDesk Tray for macOS: dist/OrderDesk Tray.app (tray only: LSUIElement, no Dock
# icon) with orderdesk-mcp inside it, ad-hoc signed, and a zip for distribution.
# Usage: bash packaging/macos/build.sh   (needs Python 3.11+; SIGN_IDENTITY to sign for real)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname -s)" = Darwin ] || { echo "build.sh: run this on macOS" >&2; exit 2; }

if [ ! -x .venv/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv
fi
PY=.venv/bin/python
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q -e ".[build]"
VERSION=$("$PY" -c "import app; print(app.__version__)")

started=$(date +%s)
"$PY" -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
  packaging/orderdesk-tray.spec
APP="dist/OrderDesk Tray.app"
MCP="$APP/Contents/MacOS/orderdesk-mcp"
/usr/libexec/PlistBuddy -c "Print :LSUIElement" "$APP/Contents/Info.plist" | grep -qx true \
  || { echo "build.sh: LSUIElement missing from Info.plist" >&2; exit 1; }

codesign --force --deep --options runtime --sign "${SIGN_IDENTITY:--}" "$APP"
"$MCP" --selftest
echo "build: $APP ($(du -sh "$APP" | cut -f1)) in $(($(date +%s) - started)) s"
echo "build: AI clients run $PWD/$MCP"

ZIP="dist/OrderDeskTray-$VERSION-macos-$(uname -m).zip"
ditto -c -k --sequesterRsrc --keepParent "$APP" "$ZIP"
echo "build: $ZIP ($(du -h "$ZIP" | cut -f1))"
