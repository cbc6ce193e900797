#!/bin/sh
# Add (or remove) OrderDesk Tray to the desktop menu of this user, from an unpacked bundle.
#   ./install-desktop.sh              menu entry + icons (+ links in ~/.local/bin)
#   ./install-desktop.sh --autostart  ... and start the tray at login
#   ./install-desktop.sh --uninstall  quit the tray, take our entries out of AI-client configs,
#                                     remove all of the above (data folder and API keys stay)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
CONFIG=${XDG_CONFIG_HOME:-$HOME/.config}
BIN=$HOME/.local/bin
ICONS=$HERE/_internal/app/resources/icons
APP=orderdesk-tray

remove() {
  rm -f "$DATA/applications/$APP.desktop" "$CONFIG/autostart/$APP.desktop"
  rm -f "$DATA/icons/hicolor/scalable/apps/$APP.svg"
  for f in "$DATA"/icons/hicolor/*/apps/$APP.png; do rm -f "$f"; done
  for exe in orderdesk-tray orderdesk-mcp; do
    [ "$(readlink "$BIN/$exe" 2>/dev/null)" = "$HERE/$exe" ] && rm -f "$BIN/$exe"
  done
  return 0
}

# While the bundle is still there: close a running tray cleanly, and remove the entries this
# app wrote into AI-client configs (orderdesk-mcp config all --remove keeps the others).
quit_and_unconfigure() {
  [ -x "$HERE/orderdesk-tray" ] && { "$HERE/orderdesk-tray" --quit || true; }
  [ -x "$HERE/orderdesk-mcp" ] && { "$HERE/orderdesk-mcp" config all --remove || true; }
  return 0
}

# Exec/TryExec get the bundle's absolute path (quoted for the Exec key's rules).
desktop_file() {
  sed -e "s|^Exec=orderdesk-tray|Exec=\"$HERE/orderdesk-tray\"|" \
      -e "s|^TryExec=orderdesk-tray|TryExec=$HERE/orderdesk-tray|" "$HERE/share/$1" > "$2"
}

case "${1:-}" in
  --uninstall)
    quit_and_unconfigure; remove
    echo "OrderDesk Tray removed from the menu. API keys stay in your keyring:" \
      "'orderdesk-mcp stores remove --all' (run before this) deletes them."
    exit 0 ;;
  ""|--autostart) ;;
  *) echo "usage: $0 [--autostart | --uninstall]" >&2; exit 2 ;;
esac

mkdir -p "$DATA/applications" "$DATA/icons/hicolor/scalable/apps" "$BIN"
for png in "$ICONS"/$APP-*.png; do
  size=$(basename "$png" .png); size=${size##*-}
  mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$DATA/icons/hicolor/${size}x${size}/apps/$APP.png"
done
cp "$ICONS/$APP.svg" "$DATA/icons/hicolor/scalable/apps/$APP.svg"
desktop_file "$APP.desktop" "$DATA/applications/$APP.desktop"
for exe in orderdesk-tray orderdesk-mcp; do ln -sfn "$HERE/$exe" "$BIN/$exe"; done
if [ "${1:-}" = "--autostart" ]; then
  mkdir -p "$CONFIG/autostart"
  desktop_file "$APP-autostart.desktop" "$CONFIG/autostart/$APP.desktop"
fi
command -v update-desktop-database >/dev/null && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "OrderDesk Tray is in the menu; orderdesk-tray and orderdesk-mcp are linked in $BIN."
