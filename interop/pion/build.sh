#!/usr/bin/env bash
# Builds the Pion v3 command-line peer (interop/pion/cli) OFFLINE, in GOPATH
# mode, from Debian's Go sources in /usr/share/gocode (no network, no go.mod,
# no module proxy).
#
#   interop/pion/build.sh OUTPUT_BINARY [WORK_DIR]
#
# WORK_DIR holds the private GOPATH and, unless GOCACHE is already set, the Go
# build cache; it defaults to a fresh directory under ${TMPDIR:-/tmp} that is
# removed afterwards. Needs the Debian packages golang-go and
# golang-github-pion-webrtc.v3-dev (tools/setup --bench installs both; the
# latter pulls in every pion/* and golang.org/x/* package the build uses).
#
# Why a private GOPATH: Pion's import paths carry the module major version
# (github.com/pion/webrtc/v3, .../sdp/v3, .../transport/v2, .../udp/v2), but
# Debian installs those four packages without the /vN directory. The private
# GOPATH adds the vN names as symlinks to Debian's sources and is searched
# before /usr/share/gocode. dtls, ice, srtp and turn already ship a v2/
# directory; datachannel, interceptor, logging, mdns, randutil, rtcp, rtp,
# sctp and stun are v0/v1 (no suffix) and resolve from /usr/share/gocode as is.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUTPUT_BINARY [WORK_DIR]" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

gocode=/usr/share/gocode/src
pion="$gocode/github.com/pion"
fail() { echo "build.sh: $*" >&2; exit 1; }
command -v go >/dev/null 2>&1 ||
  fail "go not found: install the Debian package golang-go (tools/setup --bench)"
[ -f "$pion/webrtc/peerconnection.go" ] ||
  fail "$pion/webrtc missing: install golang-github-pion-webrtc.v3-dev (tools/setup --bench)"

if [ $# -eq 2 ]; then
  work="$2"
  mkdir -p "$work"
  work="$(cd "$work" && pwd)"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/pion-cli-build.XXXXXX")"
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fi

gp="$work/gopath"
rm -rf "$gp"
mkdir -p "$gp/src/simrtc/pioncli"
# Major-version import paths Debian does not provide as directories.
for pair in webrtc:v3 sdp:v3 transport:v2 udp:v2; do
  name="${pair%%:*}" major="${pair##*:}"
  [ -d "$pion/$name" ] || fail "$pion/$name missing (Debian golang-github-pion-$name*-dev)"
  [ -e "$pion/$name/$major" ] && continue  # a future Debian may ship it
  mkdir -p "$gp/src/github.com/pion/$name"
  ln -s "$pion/$name" "$gp/src/github.com/pion/$name/$major"
done
for name in dtls ice srtp turn; do
  [ -d "$pion/$name/v2" ] || fail "$pion/$name/v2 missing (Debian golang-github-pion-$name.v2-dev)"
done
cp "$here/cli/main.go" "$gp/src/simrtc/pioncli/"

export GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS='' GOPROXY=off \
  GOTOOLCHAIN=local CGO_ENABLED=0
export GOCACHE="${GOCACHE:-$work/gocache}"
# A read-only or missing HOME (e.g. the Bazel sandbox) must not matter.
export HOME="${HOME:-$work}"
[ -w "$HOME" ] || export HOME="$work"
mkdir -p "$(dirname "$out")"
(cd "$gp/src/simrtc/pioncli" && go build -trimpath -o "$out" .)
echo "build.sh: built $out"
