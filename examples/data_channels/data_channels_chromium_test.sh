#!/usr/bin/env bash
# //examples/data_channels serving its page to headless Debian Chromium
# (driven by page_test.js through playwright-core): the page offers, the
# server answers over POST /offer, the page's messages typed into its send
# box must reach the server and the server's messages must show on the
# page; the server exits 0 by itself (--count 3). Loopback ICE: Chromium is
# launched with --allow-loopback-in-peer-connection and
# --disable-features=WebRtcHideLocalIpsWithMdns and the page gets
# camera/microphone permission. FAILS (never skips) when Chromium, Node >= 18
# or playwright-core are missing: playwright-core is found as
# tests/interop/chromium_peer.sh finds it (the checkout's
# interop/chromium/node_modules, else `npm ci` into TEST_TMPDIR).
source tests/interop/lib.sh
source tests/interop/chromium_peer.sh
source examples/common/pair_lib.sh
SERVER="$1"
PAGE_TEST="$2"
need_binaries "$SERVER"
[ -f "$PAGE_TEST" ] || fail "page_test.js missing: $PAGE_TEST"
chromium_node_path "$3"

dir="$TMP/chromium"
mkdir -p "$dir"
timeout 150 "$SERVER" --http=127.0.0.1:0 --interval=0.2 --count=3 --duration=120 \
  </dev/null >"$dir/server.out" 2>"$dir/server.err" &
server_pid=$!
PIDS+=("$server_pid")
await_listening "$dir/server.out" ||
  pair_fail "$dir" "the server printed no LISTENING line"
url="http://$ADDR/"
echo "== Chromium opens $url"
timeout 140 node "$PAGE_TEST" --url="$url" --messages=3 --timeout=90 \
  >"$dir/page.out" 2>"$dir/page.err" || pair_fail "$dir" "page_test.js failed"
cat "$dir/page.out"
wait_exit "$dir" "$server_pid" "the server"
expect_line "$dir/page.out" '^PAGE OK' "the page did not finish"
expect_line "$dir/page.out" "^page: Data channel 'data'-'[0-9]+' open\$" "the page's channel did not open"
expect_line "$dir/server.out" "^Data channel 'data'-'[0-9]+' open" "the server saw no channel open"
for i in 1 2 3; do
  expect_line "$dir/server.out" "^Message from DataChannel 'data': 'page message $i'\$" \
    "the server did not print the page's message $i"
done
# The server's first message shows on the page.
text="$(sed -n "s/^Sending '\\([A-Za-z]*\\)'$/\\1/p" "$dir/server.out" | head -n1)"
[ -n "$text" ] || pair_fail "$dir" "the server sent nothing"
grep -qxF "page: Message from DataChannel 'data': '$text'" "$dir/page.out" ||
  pair_fail "$dir" "the server's message '$text' is not on the page"
echo PASS
