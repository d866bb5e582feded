# Runs two command-line WebRTC peers against each other: any two programs
# with the contract of //examples/cli and interop/pion/cli
#   PEER --role offer|answer --port N --mode echo|bench --bytes N --timeout S
# so one helper serves Pion<->Pion, ours<->Pion and Pion<->ours.
# Source after lib.sh. Every check fails the test loudly; nothing skips.

# A TCP port free right now on 127.0.0.1 (the kernel picks it).
free_tcp_port() {
  python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# Starts an answerer in the background; sets ANSWER_PID and ANSWER_LOG and
# returns once its HTTP endpoint accepts connections.
start_answerer() {  # peer-binary port mode timeout-seconds
  ANSWER_LOG="$TMP/answer-$3-$2.log"
  spawn "$ANSWER_LOG" timeout $(($4 + 10)) "$1" --role answer --port "$2" \
    --mode "$3" --timeout "$4"
  ANSWER_PID=${PIDS[-1]}
  for _ in $(seq 100); do
    (: </dev/tcp/127.0.0.1/"$2") 2>/dev/null && return 0
    kill -0 "$ANSWER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$ANSWER_LOG" >&2
  fail "answerer $1 did not listen on 127.0.0.1:$2 (log above)"
}

# The answerer's endpoint must refuse bad requests with 4xx and keep serving.
check_answerer_rejects() {  # port
  python3 - "$1" <<'PY' || fail "answerer on port $1 mishandled bad requests"
import http.client, sys
port = int(sys.argv[1])
def post(ctype, body):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/offer", body=body, headers={"Content-Type": ctype})
    r = c.getresponse(); r.read(); c.close()
    return r.status
ok = True
for what, ctype, body in [
        ("text/plain body", "text/plain", b"v=0\r\n"),
        ("JSON body", "application/json", b'{"type":"offer","sdp":"v=0"}'),
        ("70000-byte body", "application/sdp", b"a" * 70000),
        ("non-SDP body", "application/sdp", b"hello"),
        ("empty body", "application/sdp", b"")]:
    status = post(ctype, body)
    print("bad request: %s -> %d" % (what, status))
    if not 400 <= status < 500:
        print("FAIL: %s answered %d, want 4xx" % (what, status), file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
PY
}

# Runs OFFER against ANSWER in MODE and checks both ends; the offerer's
# stdout is left in PAIR_OUT.
run_pair() {  # offer-binary answer-binary mode bytes timeout-seconds [reject-checks]
  local offer="$1" answer="$2" mode="$3" bytes="$4" secs="$5" port rc
  port=$(free_tcp_port)
  start_answerer "$answer" "$port" "$mode" "$secs"
  [ "${6:-}" = reject-checks ] && check_answerer_rejects "$port"
  PAIR_OUT=$(timeout $((secs + 10)) "$offer" --role offer --port "$port" \
    --mode "$mode" --bytes "$bytes" --timeout "$secs" 2>"$TMP/offer-$mode.err")
  rc=$?
  echo "$PAIR_OUT"
  if [ $rc -ne 0 ]; then
    cat "$TMP/offer-$mode.err" "$ANSWER_LOG" >&2
    fail "$mode offerer exited $rc (logs above)"
  fi
  wait "$ANSWER_PID"
  rc=$?
  if [ $rc -ne 0 ]; then
    cat "$TMP/offer-$mode.err" "$ANSWER_LOG" >&2
    fail "$mode answerer exited $rc after the offerer finished (logs above)"
  fi
  echo "$PAIR_OUT" | grep -Eq '^SETUP seconds=[0-9.]+$' \
    || fail "$mode offerer printed no SETUP line: $PAIR_OUT"
  case "$mode" in
    echo)
      echo "$PAIR_OUT" | grep -qx 'ECHO OK n=100' \
        || fail "echo offerer did not print ECHO OK n=100: $PAIR_OUT" ;;
    bench)
      echo "$PAIR_OUT" | grep -Eq "^BENCH bytes=$bytes seconds=[0-9.]+ MBps=[0-9.]+\$" \
        || fail "bench offerer printed no BENCH line for $bytes bytes: $PAIR_OUT" ;;
  esac
}
