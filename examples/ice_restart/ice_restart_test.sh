#!/bin/bash
# Smoke test of //examples/ice_restart without a browser: the server
# (--http=127.0.0.1:0) and our own --client, ICE on 127.0.0.1, two ICE
# restarts. The client must see time messages before and after each
# restart and exit 0; the server log must show new credentials per offer
# and ICE reconnecting (check_server_log.py). Only the processes started
# here are killed, by pid.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
log_failures
BIN="$1"
CHECK="$2"
need_binaries "$BIN"

spawn "$TMP/server.log" timeout 120 "$BIN" --http=127.0.0.1:0 --loopback --interval 0.3
await_listening "$TMP/server.log" || fail "the server did not print LISTENING"

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
