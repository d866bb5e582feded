#!/bin/bash
# Chromium <-> Chromium through interop/chromium/cli.js, the command-line
# peer contract (--role offer|answer --port N --mode echo|bench ...) that our
# examples/cli peer and the Pion peer follow too. Two headless Debian
# Chromiums, an answerer serving POST /offer on 127.0.0.1 and an offerer:
#   1. echo, default mDNS ICE: host candidates are <uuid>.local names;
#   2. echo, loopback ICE (--allow-loopback-in-peer-connection, mDNS hiding
#      off, camera/microphone permission): candidates are 127.0.0.1/::1;
#      first the answerer's HTTP endpoint is fed bad requests (404, 405, 415,
#      413 with and without Content-Length, 400 for a non-SDP body and for an
#      SDP Chromium rejects) and must keep serving the real offer after them;
#   3. bench, loopback ICE, 5 MB.
# Each expects the contract's result lines and both peers to exit 0.
#
# Needs (fails, never skips, when missing): Debian chromium at
# /usr/bin/chromium, Node.js >= 18, and playwright-core. The peer's files come
# in as runfiles; node_modules is outside Bazel's view, so the test uses the
# checkout's interop/chromium/node_modules (made by interop/chromium/setup.sh)
# when it holds the pinned version, and otherwise installs the pinned version
# from package-lock.json into $TEST_TMPDIR with `npm ci` (needs the npm
# registry).
source "$(dirname "$0")/lib.sh"
CLI="$1"
source "$(dirname "$0")/chromium_peer.sh"
locate_chromium_peer "$CLI"

# One HTTP request to the answerer; prints the status code (or ERR <code>).
# http_status port method path content-type body-size [body] [chunked]
http_status() {
  timeout 30 node -e '
    const [port, method, path, ctype, size, body, chunked] = process.argv.slice(1);
    const data = body ? body : "x".repeat(Number(size));
    const headers = {};
    if (ctype) headers["Content-Type"] = ctype;
    if (chunked === "chunked") headers["Transfer-Encoding"] = "chunked";
    else headers["Content-Length"] = Buffer.byteLength(data);
    const req = require("http").request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      console.log(res.statusCode);
      res.resume();
    });
    req.on("error", (e) => console.log("ERR " + e.code));
    if (chunked === "chunked") {
      for (let i = 0; i < data.length; i += 8192) req.write(data.slice(i, i + 8192));
      req.end();
    } else {
      req.end(data);
    }' "$@"
}
expect_status() {  # want description args-for-http_status...
  local want="$1" what="$2"; shift 2
  local got
  got=$(http_status "$@")
  echo "HTTP $what -> $got"
  [ "$got" = "$want" ] || fail "HTTP $what: expected $want, got ${got:-nothing}"
}

probe_http() {  # port
  local p="$1"
  expect_status 404 "POST /nope" "$p" POST /nope application/sdp 0 "v=0"
  expect_status 405 "GET /offer" "$p" GET /offer "" 0
  expect_status 415 "POST /offer text/plain" "$p" POST /offer text/plain 0 "v=0"
  expect_status 415 "POST /offer without Content-Type" "$p" POST /offer "" 0 "v=0"
  expect_status 413 "POST /offer 70000 bytes" "$p" POST /offer application/sdp 70000
  expect_status 413 "POST /offer 70000 bytes chunked" "$p" POST /offer application/sdp 70000 "" chunked
  expect_status 400 "POST /offer non-SDP body" "$p" POST /offer application/sdp 0 "hello"
  expect_status 400 "POST /offer SDP Chromium rejects" "$p" POST /offer \
    "application/SDP; charset=utf-8" 0 $'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=bogus\r\n'
}

wait_listening() {  # log pid -> prints the port
  for _ in $(seq 600); do
    local port
    port=$(sed -n 's/^LISTENING 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$1")
    [ -n "$port" ] && { echo "$port"; return 0; }
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  cat "$1" >&2
  fail "answerer did not start listening (log above)"
}

# run_pair name ice mode bytes [probe]
run_pair() {
  local name="$1" ice="$2" mode="$3" bytes="$4" probe="${5:-}"
  local alog="$TMP/$name.answer.log" oout="$TMP/$name.offer.out" oerr="$TMP/$name.offer.err"
  echo "=== $name: Chromium answerer <- Chromium offerer, --chromium-ice=$ice --mode $mode"
  spawn "$alog" timeout 150 node "$PEER" --role answer --port 0 --mode "$mode" \
    --timeout 120 --chromium-ice="$ice"
  local apid=${PIDS[-1]}
  local port
  port=$(wait_listening "$alog" "$apid") || exit 1
  [ -n "$probe" ] && probe_http "$port"
  local orc=0
  timeout 150 node "$PEER" --role offer --port "$port" --mode "$mode" --bytes "$bytes" \
    --timeout 120 --chromium-ice="$ice" >"$oout" 2>"$oerr" || orc=$?
  local arc=0
  wait "$apid" || arc=$?
  echo "--- offerer stdout"; cat "$oout"
  echo "--- offerer stderr"; cat "$oerr"
  echo "--- answerer (stdout and stderr)"; cat "$alog"
  [ "$orc" = 0 ] || fail "$name: offerer exited $orc"
  [ "$arc" = 0 ] || fail "$name: answerer exited $arc"
  grep -Eq '^SETUP seconds=[0-9]+\.[0-9]+$' "$oout" || fail "$name: no SETUP line"
  grep -Eq "^ANSWER DONE label=$mode " "$alog" || fail "$name: answerer did not report its channel"
  # The candidates each side received (logged by the answerer: the offer as
  # it arrived, the answer as Chromium made it).
  local offered
  offered=$(sed -n 's/^chromium-peer: offer candidates: //p' "$alog")
  [ -n "$offered" ] || fail "$name: answerer logged no offer candidates"
  case "$ice" in
    mdns)
      echo "$offered" | grep -Eq '^udp host [0-9a-f-]{36}\.local:[0-9]+' \
        || fail "$name: offer has no <uuid>.local host candidate: $offered"
      echo "$offered" | grep -Eq 'host [0-9]+\.[0-9.]+:|host [0-9a-f]*:[0-9a-f:]*:[0-9]+' \
        && fail "$name: mDNS mode offered a raw IP candidate: $offered" ;;
    loopback)
      echo "$offered" | grep -q 'udp host 127\.0\.0\.1:' \
        || fail "$name: offer has no 127.0.0.1 host candidate: $offered"
      echo "$offered" | grep -q '\.local' \
        && fail "$name: loopback mode offered an mDNS candidate: $offered" ;;
  esac
  return 0
}

run_pair echo-mdns mdns echo 0
grep -qx 'ECHO OK n=100' "$TMP/echo-mdns.offer.out" || fail "echo-mdns: no ECHO OK n=100"
grep -q '^ANSWER DONE label=echo messages=100 ' "$TMP/echo-mdns.answer.log" \
  || fail "echo-mdns: answerer did not see 100 messages"

run_pair echo-loopback loopback echo 0 probe
grep -qx 'ECHO OK n=100' "$TMP/echo-loopback.offer.out" || fail "echo-loopback: no ECHO OK n=100"

BYTES=5000000
run_pair bench-loopback loopback bench "$BYTES"
grep -Eq "^BENCH bytes=$BYTES seconds=[0-9]+\.[0-9]+ MBps=[0-9]+\.[0-9]+$" \
  "$TMP/bench-loopback.offer.out" || fail "bench-loopback: no BENCH line for $BYTES bytes"
# size:<N> (12 bytes of text) plus the N bytes.
grep -q "^ANSWER DONE label=bench messages=[0-9]* bytes=$((BYTES + ${#BYTES} + 5))\$" \
  "$TMP/bench-loopback.answer.log" || fail "bench-loopback: answerer byte count is off"

echo "=== results"
for f in "$TMP"/*.offer.out; do
  n=$(basename "$f" .offer.out)
  sed "s/^/$n: /" "$f"
done
echo PASS
