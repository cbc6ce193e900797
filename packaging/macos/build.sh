#!/usr/bin/env bash
# Build OrderDesk Tray for macOS: dist/OrderDesk Tray.app (tray only: LSUIElement, no Dock
# icon) with orderdesk-mcp inside it, signed, checked, self-tested, and a zip for distribution.
#
# Usage: bash packaging/macos/build.sh     (needs Python 3.11+)
#   SIGN_IDENTITY="Developer ID Application: NAME (TEAMID)"  sign with a real identity: hardened
#       runtime + packaging/macos/entitlements.plist on every binary (needed for notarization).
#   Without it PyInstaller signs ad-hoc and without the hardened runtime: a self-signed or
#   ad-hoc signature cannot pass library validation, so the runtime would stop it loading its
#   own libraries.
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
SIGN_IDENTITY=${SIGN_IDENTITY:-} "$PY" -m PyInstaller --noconfirm --distpath dist \
  --workpath build/pyinstaller packaging/orderdesk-tray.spec
APP="dist/OrderDesk Tray.app"
PLIST="$APP/Contents/Info.plist"
MCP="$APP/Contents/MacOS/orderdesk-mcp"
TRAY="$APP/Contents/MacOS/orderdesk-tray"

fail() { echo "build.sh: $*" >&2; exit 1; }
plist_value() { plutil -extract "$1" raw -o - "$PLIST" 2>/dev/null || echo "(missing)"; }
expect() {  # expect KEY VALUE: the built Info.plist has KEY = VALUE
  local value
  value=$(plist_value "$1")
  [ "$value" = "$2" ] || fail "Info.plist $1 is '$value', expected '$2'"
  echo "build: Info.plist $1 = $value"
}
plutil -lint "$PLIST" >/dev/null || fail "Info.plist is not a valid plist"
expect CFBundleExecutable orderdesk-tray   # the tray, not the alphabetically first executable
expect LSUIElement true                    # tray only: no Dock icon
expect LSBackgroundOnly false              # it shows windows (the console exe would set true)
expect CFBundleIdentifier me.orderdesk.tray
expect CFBundleShortVersionString "$VERSION"
[ -x "$TRAY" ] && [ -x "$MCP" ] || fail "an executable is missing from Contents/MacOS"

codesign --verify --deep --strict "$APP" || fail "the signature does not verify"
if [ -n "${SIGN_IDENTITY:-}" ]; then
  codesign --display --verbose=2 "$APP" 2>&1 | grep -q "flags=.*runtime" \
    || fail "the hardened runtime is not on"
  codesign --display --entitlements - --xml "$TRAY" >/dev/null \
    || fail "the tray carries no entitlements"
fi

"$MCP" --selftest
QT_QPA_PLATFORM=offscreen "$TRAY" --selftest
echo "build: $APP ($(du -sh "$APP" | cut -f1)) in $(($(date +%s) - started)) s"
echo "build: AI clients run $PWD/$MCP"

ZIP="dist/OrderDeskTray-$VERSION-macos-$(uname -m).zip"
ditto -c -k --sequesterRsrc --keepParent "$APP" "$ZIP"
echo "build: $ZIP ($(du -h "$ZIP" | cut -f1))"
