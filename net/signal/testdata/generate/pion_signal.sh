#!/usr/bin/env bash
# Rewrites net/signal/testdata/pion_{offer,answer}.b64 with Pion's own
# signal.Encode (see pion_signal.go), offline, from Debian's Go sources.
# Needs `tools/setup --bench` (golang-go, golang-github-pion-webrtc.v3-dev).
#   net/signal/testdata/generate/pion_signal.sh [out_dir]   (default: testdata/)
#
# GOPATH mode: Debian installs Pion's major-version import paths without the
# /vN directory, so a private GOPATH supplies them. Pion's examples/internal
# package may only be imported from inside Pion's examples tree, so the
# private github.com/pion/webrtc/v3 is a directory of symlinks to Debian's
# files with this generator added under examples/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/..}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
src=/usr/share/gocode/src/github.com/pion
[ -f "$src/webrtc/examples/internal/signal/signal.go" ] || {
  echo "pion_signal.sh: install golang-github-pion-webrtc.v3-dev (tools/setup --bench)" >&2
  exit 1
}
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
gp="$work/gopath"
webrtc="$gp/src/github.com/pion/webrtc/v3"
mkdir -p "$webrtc/examples/simrtc_signal" "$gp/src/github.com/pion"/{sdp,transport,udp}
for entry in "$src/webrtc"/*; do
  [ "$(basename "$entry")" = examples ] && continue
  ln -s "$entry" "$webrtc/$(basename "$entry")"
done
ln -s "$src/webrtc/examples/internal" "$webrtc/examples/internal"
ln -s "$src/sdp" "$gp/src/github.com/pion/sdp/v3"
ln -s "$src/transport" "$gp/src/github.com/pion/transport/v2"
ln -s "$src/udp" "$gp/src/github.com/pion/udp/v2"
cp "$here/pion_signal.go" "$webrtc/examples/simrtc_signal/main.go"
(cd "$webrtc/examples/simrtc_signal" &&
  GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOPROXY=off \
    GOCACHE="${GOCACHE:-$work/gocache}" go run . -out "$out")
echo "pion_signal.sh: wrote $out/pion_offer.b64 $out/pion_answer.b64"
