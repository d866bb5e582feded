#!/bin/bash
# Smoke test of //examples/offer_answer: the answer and the offer side as
# two processes on 127.0.0.1 (HTTP ports picked free by the kernel just
# before; the peers need fixed addresses to find each other), 5 messages
# each way every 0.2 s; both must exit 0 having received all 5. The
# answerer starts last, so the offerer's retries of POST /sdp are
# exercised too. Only the processes started here are killed, by pid.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
log_failures
BIN="$1"
need_binaries "$BIN"
free_tcp_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
OFFER=127.0.0.1:$(free_tcp_port)
ANSWER=127.0.0.1:$(free_tcp_port)
[ "$OFFER" != "$ANSWER" ] || ANSWER=127.0.0.1:$(free_tcp_port)
COMMON=(--offer-address "$OFFER" --answer-address "$ANSWER" --interval 0.2
        --count 5 --loopback --timeout 60)

spawn "$TMP/offer.log" timeout 120 "$BIN" --role offer "${COMMON[@]}"
OFFER_PID=${PIDS[-1]}
sleep 0.5
spawn "$TMP/answer.log" timeout 120 "$BIN" --role answer "${COMMON[@]}"
ANSWER_PID=${PIDS[-1]}

wait "$OFFER_PID"; offer_status=$?
wait "$ANSWER_PID"; answer_status=$?
[ "$offer_status" -eq 0 ] || fail "the offer side exited with $offer_status"
[ "$answer_status" -eq 0 ] || fail "the answer side exited with $answer_status"
for n in 1 2 3 4 5; do
  grep -qx "Message from DataChannel 'data': answer message $n" "$TMP/offer.log" \
    || fail "the offerer did not get answer message $n"
  grep -qx "Message from DataChannel 'data': offer message $n" "$TMP/answer.log" \
    || fail "the answerer did not get offer message $n"
done
grep -qx "DONE sent=5 received=5" "$TMP/offer.log" || fail "offer side not DONE"
grep -qx "DONE sent=5 received=5" "$TMP/answer.log" || fail "answer side not DONE"
grep -qx "Peer Connection State has changed: connected" "$TMP/offer.log" \
  || fail "the offerer never reported connected"
grep -qx "New DataChannel data [0-9]*" "$TMP/answer.log" \
  || fail "the answerer did not report the incoming channel"
logs
echo PASS
