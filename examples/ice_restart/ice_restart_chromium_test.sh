#!/bin/bash
# //examples/ice_restart with headless Debian Chromium: the page from our
# server opens, a time message arrives, the test clicks "ICE restart", and
# the page must get the restart answer, be connected again and receive two
# more messages (chromium_driver.js); the server log must show the second
# offer with new credentials and ICE reconnecting (check_server_log.py).
# Chromium runs in the loopback ICE mode of interop/chromium/cli.js and
# our server gathers on 127.0.0.1 only. FAILS (never skips) when Chromium,
# Node >= 18 or playwright-core are missing: playwright-core is found as
# tests/interop/chromium_peer.sh finds it (the checkout's
# interop/chromium/node_modules, else `npm ci` into TEST_TMPDIR).
source tests/interop/lib.sh
source tests/interop/chromium_peer.sh
source examples/common/pair_lib.sh
log_failures
BIN="$1"
CHECK="$2"
DRIVER="$3"
need_binaries "$BIN"
[ -f "$DRIVER" ] || fail "chromium_driver.js missing: $DRIVER"
chromium_node_path "$4"

spawn "$TMP/server.log" timeout 150 "$BIN" --http=127.0.0.1:0 --loopback --interval 0.5
await_listening "$TMP/server.log" || fail "the server did not print LISTENING"

timeout 140 node "$DRIVER" --url "http://$ADDR/" \
  --timeout 45 >"$TMP/page.log" 2>"$TMP/driver.log"
status=$?
[ "$status" -eq 0 ] || fail "the page run failed (status $status): $(cat "$TMP/page.log")"
grep -q '^PAGE OK ' "$TMP/page.log" || fail "no PAGE OK line"
python3 "$CHECK" "$TMP/server.log" 1 || fail "server log check failed"
logs
echo PASS
