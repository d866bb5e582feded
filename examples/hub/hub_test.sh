#!/bin/bash
# Smoke test of //examples/hub: one server (--http=127.0.0.1:0) and two
# clients (--join), all with ICE on 127.0.0.1. Each process reads its stdin
# from a FIFO this script holds open, so lines are typed when the test
# wants. Every wait is bounded; failures say what was missing and print the
# logs. Only the processes started here are killed, by pid.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
log_failures
BIN="$1"
need_binaries "$BIN"
# wait_for FILE PATTERN WHAT: until grep -E finds PATTERN in FILE (60 s).
wait_for() { wait_line "$1" "$2" 60 >/dev/null || fail "timeout waiting for $3"; }
# start NAME FD ARGS...: runs the binary with stdin from a FIFO opened on
# descriptor FD here, output to $TMP/NAME.log.
start() {
  local name="$1" fd="$2"; shift 2
  mkfifo "$TMP/$name.in"
  timeout 120 "$BIN" "$@" <"$TMP/$name.in" >"$TMP/$name.log" 2>&1 &
  PIDS+=("$!")
  eval "exec $fd>\"$TMP/$name.in\""
}

# The server's DTLS certificate comes from PEM files (--key/--cert); swapped
# files are refused with an error naming the problem.
command -v openssl >/dev/null || fail "openssl missing (Debian package openssl)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj /CN=hub-test -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>"$TMP/openssl.log" \
  || fail "openssl could not make a certificate"
WANT_FP=$(openssl x509 -in "$TMP/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
timeout 30 "$BIN" --http=127.0.0.1:0 --key="$TMP/cert.pem" --cert="$TMP/key.pem" \
  >"$TMP/swapped.log" 2>&1 && fail "the server accepted swapped PEM files"
grep -q 'is not a private key' "$TMP/swapped.log" || fail "no clear error for swapped PEM files"

start server 3 --http=127.0.0.1:0 --loopback --key="$TMP/key.pem" --cert="$TMP/cert.pem"
SERVER_PID=${PIDS[-1]}
wait_for "$TMP/server.log" '^LISTENING 127\.0\.0\.1:[0-9]+$' "the server to listen"
ADDR=$(sed -n 's/^LISTENING //p' "$TMP/server.log")
grep -qx "hub: DTLS certificate sha-256 $WANT_FP" "$TMP/server.log" \
  || fail "the server does not use the certificate from the files ($WANT_FP)"
URL="http://$ADDR"

# The page is served at / and the offer endpoint refuses a GET.
python3 - "$URL" <<'PY' || fail "the page or /offer misbehaved"
import sys, urllib.request, urllib.error
page = urllib.request.urlopen(sys.argv[1] + "/", timeout=10)
body = page.read().decode()
assert page.status == 200 and "createDataChannel('chat')" in body, body[:200]
try:
    urllib.request.urlopen(sys.argv[1] + "/offer", timeout=10)
    raise SystemExit("GET /offer was accepted")
except urllib.error.HTTPError as e:
    assert e.code == 405, e.code
PY

start one 4 --join="$URL" --loopback
start two 5 --join="$URL/" --loopback
CLIENT2_PID=${PIDS[-1]}
wait_for "$TMP/one.log" 'connected to' "client 1 to connect"
wait_for "$TMP/two.log" 'connected to' "client 2 to connect"
wait_for "$TMP/server.log" '^JOINED 127\.0\.0\.1:[0-9]+$' "a JOINED line"
for _ in $(seq 600); do
  [ "$(grep -c '^JOINED ' "$TMP/server.log")" -ge 2 ] && break
  sleep 0.1
done
[ "$(grep -c '^JOINED ' "$TMP/server.log")" -eq 2 ] || fail "expected two JOINED lines"

echo "hello from one" >&4
wait_for "$TMP/two.log" '^hello from one$' "client 2 to get client 1's line"
wait_for "$TMP/server.log" '^127\.0\.0\.1:[0-9]+: hello from one$' \
  "the server console to show client 1's line"

echo "server says hi" >&3
wait_for "$TMP/one.log" '^server says hi$' "client 1 to get the server's line"
wait_for "$TMP/two.log" '^server says hi$' "client 2 to get the server's line"
# The hub handles messages in order: client 1's own line would have come
# back before the server's.
grep -q '^hello from one$' "$TMP/one.log" && fail "client 1 got its own line back"

echo "hi from two" >&5
wait_for "$TMP/one.log" '^hi from two$' "client 1 to get client 2's line"

echo "exit" >&5
wait "$CLIENT2_PID" || fail "client 2 exited with status $?"
wait_for "$TMP/server.log" '^LEFT ' "the server to see client 2 leave"

echo "exit" >&3
wait "$SERVER_PID" || fail "the server exited with status $?"
wait "${PIDS[1]}" || fail "client 1 exited with status $? after the server left"
grep -q 'the server closed the chat' "$TMP/one.log" || fail "client 1 did not see the server close"
logs
echo PASS
