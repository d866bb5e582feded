#!/bin/bash
# A peer that vanishes mid-transfer (our answerer killed with SIGKILL: no
# DTLS close_notify, no SCTP ABORT, its socket simply gone) must surface in
# the surviving peer as a failed connection within the ICE timeouts
# (consent freshness, RFC 7675: 30 s), not as a transfer that hangs until
# the application's own deadline. The offerer (//examples/cli, bench mode,
# far more bytes than it can send before the kill, --timeout 300) must exit
# 1 saying "connection failed (the peer is gone)" rather than hitting its
# timeout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_peers.sh"
OURS="$1"
[ -x "$OURS" ] || fail "our peer missing: $OURS"

port=$(free_tcp_port)
start_answerer "$OURS" "$port" bench 300
timeout 320 "$OURS" --role offer --port "$port" --mode bench \
  --bytes 100000000000 --timeout 300 >"$TMP/offer.out" 2>"$TMP/offer.err" &
OFFER_PID=$!
PIDS+=("$OFFER_PID")
for _ in $(seq 300); do
  grep -q '^SETUP' "$TMP/offer.out" && break
  kill -0 "$OFFER_PID" 2>/dev/null || break
  sleep 0.1
done
grep -q '^SETUP' "$TMP/offer.out" || {
  cat "$TMP/offer.out" "$TMP/offer.err" "$ANSWER_LOG" >&2
  fail "the offerer never connected"
}
sleep 1  # mid-transfer
# ANSWER_PID is the `timeout` wrapper: kill the peer itself, then it.
pkill -9 -P "$ANSWER_PID" || fail "no answerer process under $ANSWER_PID"
kill -9 "$ANSWER_PID" 2>/dev/null
echo "answerer killed; waiting for the offerer to notice"
wait "$OFFER_PID"
rc=$?
cat "$TMP/offer.out"
cat "$TMP/offer.err"
[ $rc -eq 1 ] || fail "offerer exited $rc, expected 1"
grep -q 'connection failed (the peer is gone)' "$TMP/offer.err" \
  || fail "the offerer did not report the failed connection"
echo PASS
