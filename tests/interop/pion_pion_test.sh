#!/bin/bash
# Pion v3 <-> Pion v3 with the command-line peer interop/pion/cli (the
# contract //examples/cli follows too): data-channel echo and a 20 MB bench
# over loopback, HTTP signaling. This pair is the reference the ours<->Pion
# tests and bench/ compare with. The Go peer is built here, offline, from
# Debian's golang-go and golang-github-pion-webrtc.v3-dev (tools/setup);
# missing packages fail the test, they never skip it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cli_peers.sh"
BUILD_SH="$1"
[ -f "$BUILD_SH" ] || fail "build script missing: $BUILD_SH"
command -v go >/dev/null \
  || fail "go missing (tools/setup installs the Debian package golang-go)"
[ -d /usr/share/gocode/src/github.com/pion/webrtc ] \
  || fail "Pion sources missing (tools/setup installs golang-github-pion-webrtc.v3-dev)"

export GOCACHE="${TEST_TMPDIR:-$TMP}/gocache"
PION="$TMP/pioncli"
bash "$BUILD_SH" "$PION" "$TMP/gobuild" || fail "building the Pion peer failed"

run_pair "$PION" "$PION" echo 0 60 reject-checks
run_pair "$PION" "$PION" bench 20000000 120
echo PASS
