#!/usr/bin/env bash
# Run a command against a private, unlocked GNOME Keyring on a private D-Bus session bus.
#
#   bash .ci/keyring-session.sh .venv/bin/pytest tests/core/secrets -m keychain
#
# Needs Debian packages: dbus (dbus-run-session, dbus-send), gnome-keyring, dbus-x11.
# The command gets a fresh HOME and XDG_* folders in a temp dir (removed afterwards), a session
# bus of its own, and gnome-keyring-daemon (secrets component) whose "login" collection was
# created and unlocked with $ODT_KEYRING_PASSWORD (default "orderdesk-ci"), which stays exported
# so tests can unlock it again after locking it. The exit status is the command's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

if [[ "${1:-}" != "--inside-session" ]]; then
    for tool in dbus-run-session dbus-send gnome-keyring-daemon; do
        command -v "$tool" >/dev/null || {
            echo "$0: $tool not found (apt-get install dbus gnome-keyring dbus-x11)" >&2
            exit 1
        }
    done
    session_dir=$(mktemp -d "${TMPDIR:-/tmp}/odt-keyring.XXXXXX")
    trap 'rm -rf "$session_dir"' EXIT
    status=0
    dbus-run-session -- bash "$0" --inside-session "$session_dir" "$@" || status=$?
    exit "$status"
fi

# --- inside dbus-run-session ---------------------------------------------------------------
session_dir=$2
shift 2
export HOME="$session_dir/home"
export XDG_DATA_HOME="$session_dir/data"
export XDG_CONFIG_HOME="$session_dir/config"
export XDG_CACHE_HOME="$session_dir/cache"
export XDG_RUNTIME_DIR="$session_dir/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$session_dir" "$XDG_RUNTIME_DIR"
export ODT_KEYRING_PASSWORD="${ODT_KEYRING_PASSWORD:-orderdesk-ci}"

# --unlock creates the "login" collection with this password when it does not exist yet and
# makes it the default; without it a fresh keyring has no default collection and every write
# would wait for a "create keyring" prompt.
# The daemon gets no display (nothing could answer an unlock or create prompt); the command
# keeps the caller's DISPLAY so GUI tests run on the Xvfb screen.
printf '%s' "$ODT_KEYRING_PASSWORD" \
    | env -u DISPLAY -u WAYLAND_DISPLAY gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$session_dir/gnome-keyring.log" 2>&1 &

secrets_on_bus() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
        | grep -q "boolean true"
}
for _ in $(seq 100); do
    secrets_on_bus && break
    sleep 0.1
done
if ! secrets_on_bus; then
    echo "$0: gnome-keyring-daemon did not appear on the session bus:" >&2
    cat "$session_dir/gnome-keyring.log" >&2
    exit 1
fi
export GNOME_KEYRING_CONTROL="$XDG_RUNTIME_DIR/keyring"

exec "$@"
