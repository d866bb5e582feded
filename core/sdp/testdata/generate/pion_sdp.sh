#!/usr/bin/env bash
# Builds and runs pion_sdp.go offline against Debian's Pion sources (GOPATH
# mode; a private GOPATH links the major-version import paths), writing
# pion_offer.sdp and pion_answer.sdp into the directory given (default: a
# temporary one, printed). Needs `tools/setup --bench` (golang-go and
# golang-github-pion-webrtc.v3-dev).
#   core/sdp/testdata/generate/pion_sdp.sh [out_dir]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=/usr/share/gocode/src/github.com/pion
gp="$work/gopath"
mkdir -p "$gp/src/github.com/pion"/{webrtc,sdp,transport,udp} "$gp/src/pionsdp"
ln -s "$src/webrtc" "$gp/src/github.com/pion/webrtc/v3"
ln -s "$src/sdp" "$gp/src/github.com/pion/sdp/v3"
ln -s "$src/transport" "$gp/src/github.com/pion/transport/v2"
ln -s "$src/udp" "$gp/src/github.com/pion/udp/v2"
cp "$here/pion_sdp.go" "$gp/src/pionsdp/main.go"
(cd "$gp/src/pionsdp" &&
  GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= \
    go run . -out "$out")
echo "written to $out"
