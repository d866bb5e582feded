#!/usr/bin/env bash
# Memory per idle PeerConnection (one open data channel, N connected pairs
# held at once in one process): ours (//bench/peer:peer_bench, in-memory
# network in virtual time) against Pion v3 (bench/peer/pion_memory, real
# loopback UDP sockets and goroutines), built and run on this machine, and a
# table of the results.
# Needs: tools/setup --bench (golang-go and Debian's Pion sources).
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup --bench >/dev/null
PAIRS=100  # BM_MemoryPerIdlePeerConnection's argument
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pion in GOPATH mode, offline: a private GOPATH whose major-version import
# paths are symlinks to Debian's sources (dtls, ice, srtp and turn ship a v2
# folder already).
gp="$work/gopath"
src=/usr/share/gocode/src/github.com/pion
mkdir -p "$gp/src/github.com/pion" "$gp/src/simrtc"
for m in webrtc:v3 sdp:v3 transport:v2 udp:v2; do
  name=${m%%:*}
  mkdir -p "$gp/src/github.com/pion/$name"
  ln -s "$src/$name" "$gp/src/github.com/pion/$name/${m##*:}"
done
cp -r bench/peer/pion_memory "$gp/src/simrtc/pion_memory"
(cd "$gp/src/simrtc/pion_memory" &&
  GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= \
    go build -o "$work/pion_memory" .)

echo "== Pion v3 ($(dpkg-query -W -f='${Version}' golang-github-pion-webrtc.v3-dev), $PAIRS pairs) =="
"$work/pion_memory" -pairs "$PAIRS" | tee "$work/pion.txt"

echo "== simrtc (BM_MemoryPerIdlePeerConnection, $PAIRS pairs) =="
bazel run -c opt //bench/peer:peer_bench -- \
  --benchmark_filter="BM_MemoryPerIdlePeerConnection/pairs:$PAIRS/streams:1024/" \
  --benchmark_counters_tabular=true 2>/dev/null | tee "$work/ours.txt"

pion() { awk -v k="$1" '$1 == k { print $2 }' "$work/pion.txt"; }
# Counter columns of the tabular Google Benchmark row, by header name.
ours() {
  awk -v k="$1" '
    /^Benchmark/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
    /^BM_MemoryPerIdlePeerConnection/ && (k in col) {
      v = $(col[k] + 2)  # the name, time and CPU columns carry units
      print v }' "$work/ours.txt" | head -1
}
to_bytes() {  # Google Benchmark prints 1.2k / 3.4M style numbers
  awk -v v="$1" 'BEGIN {
    m = 1; u = substr(v, length(v));
    if (u == "k") m = 1e3; else if (u == "M") m = 1e6; else if (u == "G") m = 1e9;
    if (m != 1) v = substr(v, 1, length(v) - 1);
    printf "%.0f", v * m }'
}
oh=$(to_bytes "$(ours heap_bytes_per_pc)")
orss=$(to_bytes "$(ours rss_bytes_per_pc)")
ph=$(pion pion_heap_bytes_per_pc)
prss=$(pion pion_rss_bytes_per_pc)
printf '\n%-38s %14s %14s %8s\n' "per idle PeerConnection" "simrtc" "Pion" "ratio"
row() {
  awk -v l="$1" -v o="$2" -v p="$3" 'BEGIN {
    r = (o > 0 && p > 0) ? sprintf("%.2fx", o / p) : "n/a";
    printf "%-38s %14d %14d %8s\n", l, o, p, r }'
}
row "heap in use (malloc / Go HeapAlloc), B" "$oh" "$ph"
row "  + goroutine stacks (Go StackInuse), B" "$oh" "$((ph + $(pion pion_stack_bytes_per_pc)))"
row "resident set growth, B" "$orss" "$prss"
echo "(ratio = simrtc / Pion; below 1.00x means simrtc uses less)"
