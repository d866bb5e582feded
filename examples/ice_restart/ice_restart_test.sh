#!/bin/bash
# Smoke test of //examples/ice_restart without a browser: the server
# (--http=127.0.0.1:0) and our own --client, ICE on 127.0.0.1, two ICE
# restarts. The client must see time messages before and after each
# restart and exit 0; the server log must show new credentials per offer
# and ICE reconnecting (check_server_log.py). Only the processes started
# here are killed, by pid.
set -u
BIN="$1"
CHECK="$2"
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/ice_restart.XXXXXX")"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
logs() { for f in "$TMP"/*.log; do echo "---- $f"; cat "$f"; done; }
fail() { echo "FAIL: $*" >&2; logs >&2; exit 1; }
[ -x "$BIN" ] || fail "binary missing: $BIN"

timeout 120 "$BIN" --http=127.0.0.1:0 --loopback --interval 0.3 \
  >"$TMP/server.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 300); do
  grep -q '^LISTENING ' "$TMP/server.log" && break
  sleep 0.1
done
ADDR=$(sed -n 's/^LISTENING //p' "$TMP/server.log")
[ -n "$ADDR" ] || fail "the server did not print LISTENING"

timeout 120 "$BIN" --client="http://$ADDR" --loopback --restarts 2 \
  --before 1 --after 2 --timeout 30 >"$TMP/client.log" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "the client exited with $status"
grep -qx DONE "$TMP/client.log" || fail "the client did not print DONE"
# Messages after the last restart.
after=$(sed -n '/^RESTART 2$/,$p' "$TMP/client.log" | grep -c '^MESSAGE ')
[ "$after" -ge 2 ] || fail "only $after messages after the second restart"
python3 "$CHECK" "$TMP/server.log" 2 || fail "server log check failed"
logs
echo PASS
