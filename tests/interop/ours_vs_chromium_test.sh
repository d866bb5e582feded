#!/bin/bash
# Our command-line peer (//examples/cli) against headless Debian Chromium
# (interop/chromium/cli.js), both directions (each side offering), over
# loopback with HTTP signaling: data-channel echo (100 messages of
# 1..60000 bytes, text and binary, checked byte for byte) and a 5 MB bench.
# Chromium offering also exercises its renomination: it checks from its
# non-loopback address to our 127.0.0.1 socket and moves its traffic to
# that pair, which our agent must accept (core/ice MakePair `proven`).
# Chromium runs in both of its ICE modes:
#  * loopback: 127.0.0.1 host candidates, which it offers with
#    --allow-loopback-in-peer-connection and a granted camera/microphone
#    permission; our peer gathers on loopback only.
#  * mdns (its default, what a web page gets): its host candidates are
#    "<uuid>.local" names on the default-route interface, which our runtime
#    resolves over its mDNS socket; our peer gathers on every interface
#    (--ice=all) and either shows raw addresses (--mdns=query) or publishes
#    its own .local names (--mdns=gather), which Chromium must resolve.
#    Needs a multicast-capable interface that is up (as the Chromium<->
#    Chromium test does).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_peers.sh"
OURS="$1"
[ -x "$OURS" ] || fail "our peer missing: $OURS"
source "$(dirname "$0")/chromium_peer.sh"
locate_chromium_peer "$2"

wrapper() {  # name command...
  local w="$TMP/$1"; shift
  printf '#!/bin/bash\nexec %s "$@"\n' "$*" >"$w"
  chmod +x "$w"
  echo "$w"
}
CHROME_LOOP=$(wrapper chromium-loopback.sh env SIMRTC_CHROMIUM_ICE=loopback node "$PEER")
CHROME_MDNS=$(wrapper chromium-mdns.sh env SIMRTC_CHROMIUM_ICE=mdns node "$PEER")
OURS_QUERY=$(wrapper ours-mdns-query.sh "$OURS" --ice=all --mdns=query)
OURS_GATHER=$(wrapper ours-mdns-gather.sh "$OURS" --ice=all --mdns=gather)

echo "== loopback ICE: ours (offer) -> Chromium (answer)"
run_pair "$OURS" "$CHROME_LOOP" echo 0 90
run_pair "$OURS" "$CHROME_LOOP" bench 5000000 120
echo "== loopback ICE: Chromium (offer) -> ours (answer)"
run_pair "$CHROME_LOOP" "$OURS" echo 0 90 reject-checks
run_pair "$CHROME_LOOP" "$OURS" bench 5000000 120
echo "== mDNS ICE: Chromium (offer, .local candidates) -> ours (answer)"
run_pair "$CHROME_MDNS" "$OURS_QUERY" echo 0 90
run_pair "$CHROME_MDNS" "$OURS_GATHER" echo 0 90
echo "== mDNS ICE: ours (offer) -> Chromium (answer, .local candidates)"
run_pair "$OURS_QUERY" "$CHROME_MDNS" echo 0 90
run_pair "$OURS_GATHER" "$CHROME_MDNS" echo 0 90
echo PASS
