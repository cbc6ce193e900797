#!/usr/bin/env bash
# Frozen smoke test: build the Linux bundle, run both executables' --version and --selftest,
# start the frozen tray (offscreen, demo store) and make one MCP call to it with the MCP
# Inspector CLI through the frozen orderdesk-mcp shim. Prints a timing per step; budget 180 s.
# Usage: bash packaging/ci-frozen-smoke.sh        (from anywhere; needs Node.js for npx)
set -euo pipefail
cd "$(dirname "$0")/.."
INSPECTOR=@modelcontextprotocol/inspector@2.12.0
BUDGET_S=180
BUNDLE=$PWD/dist/orderdesk-tray
WORK=$(mktemp -d /tmp/odt-smoke.XXXXXX)
TRAY_PID=""
SMOKE_START=$(date +%s%N)

cleanup() {
  if [ -n "$TRAY_PID" ] && kill -0 "$TRAY_PID" 2>/dev/null; then
    kill -TERM "$TRAY_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$TRAY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$TRAY_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
step() {  # step NAME COMMAND...: run, print its time, stop the script on failure
  local name=$1 started
  shift
  started=$(date +%s%N)
  echo "== $name"
  if ! "$@"; then
    echo "smoke: FAILED at '$name' after $(ms_since "$started") ms" >&2
    exit 1
  fi
  echo "   $name: $(ms_since "$started") ms"
}

# A clean, private environment: temp HOME for npm and the Inspector, temp data folder.
export HOME=$WORK/home ORDERDESK_TRAY_HOME=$WORK/data XDG_RUNTIME_DIR=$WORK/run
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# Reuse the caller's npm cache (.ci/check shares one) so the Inspector downloads once.
export npm_config_cache=${npm_config_cache:-$WORK/npm-cache}
export npm_config_update_notifier=false npm_config_fund=false
unset ORDERDESK_TRAY_TOKEN PYTHON_KEYRING_BACKEND

step "build bundle" bash packaging/linux/build.sh --no-tar
echo "   bundle size unpacked: $(du -sm "$BUNDLE" | cut -f1) MB"
glibc_record() {  # the build recorded the glibc the bundle needs, and this machine has it
  python3 - "$BUNDLE/_internal/orderdesk-build.json" <<'EOF'
import json, os, sys
info = json.load(open(sys.argv[1], encoding="utf-8"))
need = tuple(int(n) for n in info["glibc_required"].split("."))
have = tuple(int(n) for n in os.confstr("CS_GNU_LIBC_VERSION").split()[-1].split("."))
if need < (2,) or have < need:
    sys.exit(f"bad glibc record {info} for a machine with glibc {have}")
print(f"   needs glibc >= {info['glibc_required']} ({info['glibc_required_by']})")
EOF
}
step "glibc record in the bundle" glibc_record
step "orderdesk-mcp --version" "$BUNDLE/orderdesk-mcp" --version
step "orderdesk-tray --version" "$BUNDLE/orderdesk-tray" --version
step "orderdesk-mcp --selftest" "$BUNDLE/orderdesk-mcp" --selftest
step "orderdesk-tray --selftest" env QT_QPA_PLATFORM=offscreen "$BUNDLE/orderdesk-tray" --selftest

wait_for_endpoint() {
  local deadline=$((SECONDS + 30))
  until [ -s "$ORDERDESK_TRAY_HOME/endpoint.json" ]; do
    if ! kill -0 "$TRAY_PID" 2>/dev/null; then
      echo "the frozen tray exited early; its output:" >&2
      cat "$WORK/tray.out" >&2
      return 1
    fi
    [ $SECONDS -lt $deadline ] || { echo "no MCP endpoint within 30 s" >&2; return 1; }
    sleep 0.05
  done
}
start_tray() {
  QT_QPA_PLATFORM=offscreen "$BUNDLE/orderdesk-tray" --demo >"$WORK/tray.out" 2>&1 &
  TRAY_PID=$!
  wait_for_endpoint
}
step "frozen tray --demo to MCP endpoint ready" start_tray

inspector_call() {
  # Token-less clients are refused by default: register one, as a user would.
  local token
  token=$("$BUNDLE/orderdesk-mcp" clients add inspector --scopes read --policy allow)
  npx -y "$INSPECTOR" --cli "$BUNDLE/orderdesk-mcp" --no-launch \
    -e "ORDERDESK_TRAY_HOME=$ORDERDESK_TRAY_HOME" -e "ORDERDESK_TRAY_TOKEN=$token" \
    --method tools/call --tool-name orders_list --tool-arg limit=2 >"$WORK/call.json"
  python3 - "$WORK/call.json" <<'EOF'
import json
import sys

result = json.load(open(sys.argv[1], encoding="utf-8"))
if result.get("isError"):
    sys.exit(f"orders_list returned an error: {result.get('content')}")
summary = result["content"][0]["text"]
orders = result["structuredContent"]["orders"]
if len(orders) != 2:
    sys.exit(f"expected 2 orders from the demo store, got {len(orders)}: {summary}")
print(f"   Inspector -> frozen orderdesk-mcp -> frozen tray: {summary}")
EOF
}
step "MCP Inspector tools/call orders_list" inspector_call
grep -ho 'tray up [0-9]* ms after start' "$ORDERDESK_TRAY_HOME"/logs/*.log 2>/dev/null \
  | sed 's/^/   frozen tray log: /' || true

stop_tray() {
  kill -TERM "$TRAY_PID"
  for _ in $(seq 1 100); do kill -0 "$TRAY_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$TRAY_PID" 2>/dev/null; then
    echo "the frozen tray did not quit within 10 s of SIGTERM" >&2
    return 1
  fi
  TRAY_PID=""
}
step "stop frozen tray (SIGTERM)" stop_tray

client_config_points_at_bundle() {
  # "Connect an AI client" and `orderdesk-mcp config` share one writer; the entry it merges
  # must launch the frozen orderdesk-mcp of this bundle, with a token and no API key.
  "$BUNDLE/orderdesk-mcp" config cursor --client smoke --write >/dev/null
  python3 - "$HOME/.cursor/mcp.json" "$BUNDLE/orderdesk-mcp" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
entry = next(iter(config["mcpServers"].values()))
if entry["command"] != sys.argv[2]:
    sys.exit(f"config command is {entry['command']!r}, expected {sys.argv[2]!r}")
if not entry.get("env", {}).get("ORDERDESK_TRAY_TOKEN"):
    sys.exit("config entry has no ORDERDESK_TRAY_TOKEN")
print(f"   client config command: {entry['command']}")
EOF
}
step "client config points at the frozen orderdesk-mcp" client_config_points_at_bundle

total_ms=$(ms_since "$SMOKE_START")
echo "smoke: frozen bundle OK in $((total_ms / 1000)) s (budget ${BUDGET_S} s)"
if [ $((total_ms / 1000)) -ge $BUDGET_S ]; then
  echo "smoke: over the ${BUDGET_S} s budget" >&2
  exit 1
fi
