#!/bin/bash
# Our command-line peer (//examples/cli) against Pion v3's
# (interop/pion/cli, built offline from Debian's Go sources), both
# directions, over loopback with HTTP signaling: data-channel echo (100
# messages of 1..60000 bytes, text and binary, checked byte for byte) and a
# 20 MB bench. Also ours <-> ours, with bad requests thrown at our answerer's
# HTTP endpoint first. Missing tools fail the test; nothing skips.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_peers.sh"
OURS="$1"
BUILD_SH="$2"
[ -x "$OURS" ] || fail "our peer missing: $OURS"
[ -f "$BUILD_SH" ] || fail "build script missing: $BUILD_SH"
command -v go >/dev/null \
  || fail "go missing (tools/setup installs the Debian package golang-go)"
[ -d /usr/share/gocode/src/github.com/pion/webrtc ] \
  || fail "Pion sources missing (tools/setup installs golang-github-pion-webrtc.v3-dev)"
export GOCACHE="${TEST_TMPDIR:-$TMP}/gocache"
PION="$TMP/pioncli"
bash "$BUILD_SH" "$PION" "$TMP/gobuild" || fail "building the Pion peer failed"

echo "== ours <-> ours"
run_pair "$OURS" "$OURS" echo 0 60 reject-checks
run_pair "$OURS" "$OURS" bench 20000000 120
echo "== ours (offer) -> Pion (answer)"
run_pair "$OURS" "$PION" echo 0 60
run_pair "$OURS" "$PION" bench 20000000 120
echo "== Pion (offer) -> ours (answer)"
run_pair "$PION" "$OURS" echo 0 60
run_pair "$PION" "$OURS" bench 20000000 120
echo PASS
