#!/usr/bin/env bash
# Build a .deb from the Linux bundle with dpkg-deb: a double-click install for Debian/Ubuntu.
#
#   /opt/orderdesk-tray/                 the bundle (both executables, _internal)
#   /usr/bin/orderdesk-tray, -mcp        symlinks into it (AI-client configs get the real path)
#   /usr/share/applications/             the menu entry
#   /usr/share/icons/hicolor/*/apps/     the icons (dpkg triggers refresh the icon cache)
#   /usr/share/doc/orderdesk-tray/       copyright, changelog
#
# No system-wide autostart file: start at login is the user's choice, made in the app's Settings
# (or its first run), which writes ~/.config/autostart/orderdesk-tray.desktop. A file in
# /etc/xdg/autostart would start the tray for every user until each one hides it.
# Removal deletes every file above (postrm clears anything left in /opt/orderdesk-tray);
# user data (~/.local/share/orderdesk-tray, keychain entries) stays, as Debian policy requires.
#
# Usage: bash packaging/linux/build-deb.sh [BUNDLE_DIR [OUT_DIR]]   (DEB_MAINTAINER="Name <mail>")
#   BUNDLE_DIR defaults to dist/orderdesk-tray (built by packaging/linux/build.sh if missing),
#   OUT_DIR to dist. Prints the path of the .deb it wrote.
set -euo pipefail
BUNDLE=$(realpath -m "${1:-$(dirname "$0")/../../dist/orderdesk-tray}")
OUT=$(realpath -m "${2:-$(dirname "$0")/../../dist}")
cd "$(dirname "$0")/../.."
APP=orderdesk-tray
PREFIX=/opt/$APP

if [ ! -x "$BUNDLE/$APP" ]; then
  [ $# -eq 0 ] || { echo "build-deb: no bundle at $BUNDLE" >&2; exit 2; }
  bash packaging/linux/build.sh --no-tar
fi
command -v dpkg-deb >/dev/null || { echo "build-deb: needs dpkg-deb (Debian/Ubuntu)" >&2; exit 2; }

# Who answers for the package; .invalid (RFC 2606) says plainly there is no address yet.
MAINTAINER=${DEB_MAINTAINER:-OrderDesk Tray maintainers <maintainers@orderdesk-tray.invalid>}
VERSION=$(sed -nE 's/^__version__ = "([^"]+)"/\1/p' app/__init__.py)
ARCH=$(dpkg --print-architecture)
ICONS=$BUNDLE/_internal/app/resources/icons
BUILD_INFO=$BUNDLE/_internal/orderdesk-build.json
GLIBC=$(sed -nE 's/.*"glibc_required": "([0-9.]+)".*/\1/p' "$BUILD_INFO" 2>/dev/null || true)
[ -n "$GLIBC" ] || { echo "build-deb: $BUILD_INFO has no glibc_required" >&2; exit 2; }

STAGE=$(mktemp -d /tmp/odt-deb.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
ROOT=$STAGE/root
umask 022

# The bundle, without the tarball's per-user installer (the package does its job).
mkdir -p "$ROOT$PREFIX" "$ROOT/usr/bin" "$ROOT/usr/share/applications" "$ROOT/usr/share/doc/$APP"
cp -a "$BUNDLE/." "$ROOT$PREFIX/"
rm -rf "$ROOT$PREFIX/install-desktop.sh" "$ROOT$PREFIX/share"
for exe in orderdesk-tray orderdesk-mcp; do ln -s "$PREFIX/$exe" "$ROOT/usr/bin/$exe"; done

install -m 644 packaging/linux/$APP.desktop "$ROOT/usr/share/applications/$APP.desktop"
for png in "$ICONS"/$APP-*.png; do
  size=$(basename "$png" .png); size=${size##*-}
  install -D -m 644 "$png" "$ROOT/usr/share/icons/hicolor/${size}x${size}/apps/$APP.png"
done
install -D -m 644 "$ICONS/$APP.svg" "$ROOT/usr/share/icons/hicolor/scalable/apps/$APP.svg"

install -m 644 packaging/linux/deb/copyright "$ROOT/usr/share/doc/$APP/copyright"
sed "s/@VERSION@/$VERSION/; s|@MAINTAINER@|$MAINTAINER|; s/@DATE@/$(date -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")/" \
  packaging/linux/deb/changelog | gzip -9n > "$ROOT/usr/share/doc/$APP/changelog.gz"
install -D -m 644 packaging/linux/deb/lintian-overrides "$ROOT/usr/share/lintian/overrides/$APP"

# Everything is root's and world-readable; only the two executables keep an x bit (shared
# libraries need none, Debian policy wants them without).
find "$ROOT" -type d -exec chmod 755 {} +
find "$ROOT" -type f -exec chmod go-w {} +
find "$ROOT$PREFIX/_internal" -type f -name '*.so*' -exec chmod a-x {} +

mkdir -p "$ROOT/DEBIAN"
install -m 755 packaging/linux/deb/postrm "$ROOT/DEBIAN/postrm"
# The display stack is the one part of the tray's closure PyInstaller leaves to the system.
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@GLIBC@/$GLIBC/" \
  -e "s|@MAINTAINER@|$MAINTAINER|" \
  -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$ROOT" | cut -f1)/" \
  packaging/linux/deb/control > "$ROOT/DEBIAN/control"

mkdir -p "$OUT"
DEB=$OUT/${APP}_${VERSION}_${ARCH}.deb
# xz (readable by every dpkg); DEB_COMPRESSION=gzip builds ~5x faster for local tries.
dpkg-deb --root-owner-group "-Z${DEB_COMPRESSION:-xz}" --threads-max="$(nproc)" \
  --build "$ROOT" "$DEB" >/dev/null
echo "build-deb: $DEB ($(du -h "$DEB" | cut -f1); needs glibc >= $GLIBC)"
