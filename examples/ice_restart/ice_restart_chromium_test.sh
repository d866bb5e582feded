#!/bin/bash
# //examples/ice_restart with headless Debian Chromium: the page from our
# server opens, a time message arrives, the test clicks "ICE restart", and
# the page must get the restart answer, be connected again and receive two
# more messages (chromium_driver.js); the server log must show the second
# offer with new credentials and ICE reconnecting (check_server_log.py).
# Chromium runs in the loopback ICE mode of interop/chromium/cli.js and
# our server gathers on 127.0.0.1 only. FAILS (never skips) when Chromium,
# Node >= 18 or playwright-core (interop/chromium/node_modules, made by
# interop/chromium/setup.sh) are missing.
set -u
BIN="$1"
CHECK="$2"
DRIVER="$3"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/ice_restart_chromium.XXXXXX")"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
logs() { for f in "$TMP"/*.log; do echo "---- $f"; cat "$f"; done; }
fail() { echo "FAIL: $*" >&2; logs >&2; exit 1; }
[ -x "$BIN" ] || fail "binary missing: $BIN"
HINT="run interop/chromium/setup.sh (Debian chromium, nodejs, npm; npm ci)"
[ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing: $HINT"
command -v node >/dev/null || fail "node missing: $HINT"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] \
  || fail "Node.js $(node --version) is older than 18: $HINT"
# playwright-core lives in the checkout's interop/chromium/node_modules
# (outside Bazel); the driver's runfile is a link into the checkout.
CHECKOUT="$(cd "$(dirname "$(readlink -f "$DRIVER")")/../.." && pwd)"
MODULES="$CHECKOUT/interop/chromium/node_modules"
[ -f "$MODULES/playwright-core/package.json" ] \
  || fail "playwright-core missing in $MODULES: $HINT"
# Chromium and Node want a writable HOME; a Bazel test may have none.
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config" \
  XDG_CACHE_HOME="$TMP/home/.cache" TMPDIR="$TMP"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

timeout 150 "$BIN" --http=127.0.0.1:0 --loopback --interval 0.5 \
  >"$TMP/server.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 300); do
  grep -q '^LISTENING ' "$TMP/server.log" && break
  sleep 0.1
done
ADDR=$(sed -n 's/^LISTENING //p' "$TMP/server.log")
[ -n "$ADDR" ] || fail "the server did not print LISTENING"

NODE_PATH="$MODULES" timeout 140 node "$DRIVER" --url "http://$ADDR/" \
  --timeout 45 >"$TMP/page.log" 2>"$TMP/driver.log"
status=$?
[ "$status" -eq 0 ] || fail "the page run failed (status $status): $(cat "$TMP/page.log")"
grep -q '^PAGE OK ' "$TMP/page.log" || fail "no PAGE OK line"
python3 "$CHECK" "$TMP/server.log" 1 || fail "server log check failed"
logs
echo PASS
