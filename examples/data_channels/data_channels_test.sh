#!/usr/bin/env bash
# Smoke test of //examples/data_channels (answering) with
# //examples/data_channels_create (offering) on loopback: paired through
# fifos (base64 lines on stdin/stdout) and through HTTP (POST /offer), each
# side sends 3 messages 0.2 s apart and must receive the other's 3, and both
# must exit 0 by themselves. Also fetches the browser page and checks the
# HTTP endpoint's rejections.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
ANSWER="$1"
exchange_both "$ANSWER" "$2"

echo "== the page and the endpoint's rejections"
timeout 60 "$ANSWER" --http=127.0.0.1:0 --duration=30 </dev/null \
  >"$TMP/server.out" 2>"$TMP/server.err" &
PIDS+=("$!")
await_listening "$TMP/server.out" || fail "no LISTENING line"
python3 - "http://$ADDR" <<'PY' || fail "HTTP checks failed"
import sys, urllib.request, urllib.error
base = sys.argv[1]
page = urllib.request.urlopen(base + "/", timeout=10)
body = page.read().decode()
assert page.status == 200, page.status
assert page.headers["Content-Type"].startswith("text/html"), page.headers["Content-Type"]
for needle in ("RTCPeerConnection", "createDataChannel", "fetch('/offer'", 'id="send"'):
    assert needle in body, needle
def status(method, path, ctype=None, data=None):
    req = urllib.request.Request(base + path, data=data, method=method)
    if ctype: req.add_header("Content-Type", ctype)
    try:
        return urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code
assert status("GET", "/nope") == 404
assert status("GET", "/offer") == 405
assert status("POST", "/offer", "application/json", b"{}") == 415
assert status("POST", "/offer", "application/sdp", b"not sdp") == 400
assert status("POST", "/offer", "application/sdp", b"v=0\r\ns=broken\r\n") == 400
print("   ok: page served, 404/405/415/400 answered")
PY
echo PASS
