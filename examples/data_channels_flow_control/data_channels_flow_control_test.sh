#!/bin/bash
# Smoke test of //examples/data_channels_flow_control: a 3-second run must
# print throughput lines, receive bytes, lose no message and exit 0.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
BIN="$1"
need_binaries "$BIN"
LOG="$TMP/flow_control.log"

timeout 120 "$BIN" --duration 3 >"$LOG" 2>&1
status=$?
cat "$LOG"
[ "$status" -eq 0 ] || fail "exit status $status"
grep -q '^Throughput: [0-9.]* Mbps$' "$LOG" || fail "no throughput line"
total=$(grep '^Total: ' "$LOG") || fail "no Total line"
re='^Total: sent ([0-9]+) messages, received ([0-9]+) messages \(([0-9]+) bytes\), out of sequence ([0-9]+), lost ([0-9]+)$'
[[ "$total" =~ $re ]] || fail "unexpected Total line: $total"
sent=${BASH_REMATCH[1]} received=${BASH_REMATCH[2]} bytes=${BASH_REMATCH[3]}
oos=${BASH_REMATCH[4]} lost=${BASH_REMATCH[5]}
[ "$bytes" -gt 0 ] || fail "no bytes received"
[ "$received" -eq "$sent" ] || fail "sent $sent, received $received"
[ "$bytes" -eq $((received * 1024)) ] || fail "$bytes bytes for $received messages"
[ "$oos" -eq 0 ] || fail "$oos messages out of sequence"
[ "$lost" -eq 0 ] || fail "$lost messages lost"
echo PASS
