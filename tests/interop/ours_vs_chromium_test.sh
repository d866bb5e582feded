#!/bin/bash
# Our command-line peer (//examples/cli) against headless Debian Chromium
# (interop/chromium/cli.js), both directions (each side offering), over
# loopback with HTTP signaling: data-channel echo (100 messages of
# 1..60000 bytes, text and binary, checked byte for byte) and a 5 MB bench.
# Chromium offering also exercises its renomination: it checks from its
# non-loopback address to our 127.0.0.1 socket and moves its traffic to
# that pair, which our agent must accept (core/ice MakePair `proven`).
# Chromium runs in its loopback ICE mode (127.0.0.1 host candidates, which
# it offers with --allow-loopback-in-peer-connection and a granted
# camera/microphone permission). Its default mode, mDNS host candidates, is
# not covered here yet: our runtime does not open the mDNS socket.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_peers.sh"
OURS="$1"
[ -x "$OURS" ] || fail "our peer missing: $OURS"
source "$(dirname "$0")/chromium_peer.sh"
locate_chromium_peer "$2"
CHROME="$TMP/chromium-peer.sh"
printf '#!/bin/bash\nexec node "%s" "$@"\n' "$PEER" >"$CHROME"
chmod +x "$CHROME"
export SIMRTC_CHROMIUM_ICE=loopback

echo "== ours (offer) -> Chromium (answer)"
run_pair "$OURS" "$CHROME" echo 0 90
run_pair "$OURS" "$CHROME" bench 5000000 120
echo "== Chromium (offer) -> ours (answer)"
run_pair "$CHROME" "$OURS" echo 0 90 reject-checks
run_pair "$CHROME" "$OURS" bench 5000000 120
echo PASS
