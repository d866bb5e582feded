#!/usr/bin/env bash
# Runs our wire-format benchmarks and Pion's on the same inputs, in the same
# run on this machine, and prints a table of medians and ratios.
# Needs: tools/setup --bench (golang-go and Debian's Pion sources).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup --bench >/dev/null
REPS=${REPS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Pion in GOPATH mode, offline: a private GOPATH whose major-version import
# paths are symlinks to Debian's sources.
gp="$work/gopath"
mkdir -p "$gp/src/github.com/pion" "$gp/src/simrtc"
src=/usr/share/gocode/src/github.com/pion
mkdir -p "$gp/src/github.com/pion/sdp" "$gp/src/github.com/pion/transport"
ln -s "$src/sdp" "$gp/src/github.com/pion/sdp/v3"
ln -s "$src/transport" "$gp/src/github.com/pion/transport/v2"
cp -r bench/pion "$gp/src/simrtc/pioncompare"
sdp_file="$PWD/core/sdp/testdata/chromium_av_offer.sdp"

echo "== Pion (go test -bench, $REPS runs) =="
(cd "$gp/src/simrtc/pioncompare" &&
  SDP_FILE="$sdp_file" GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= \
    go test -run XXX -bench . -benchmem -count "$REPS" . ) | tee "$work/pion.txt"

echo "== simrtc (Google Benchmark, $REPS repetitions) =="
for t in //bench/stun:stun_bench //bench/rtp:rtp_bench //bench/sdp:sdp_bench; do
  bazel run -c opt "$t" -- --benchmark_repetitions="$REPS" \
    --benchmark_report_aggregates_only=true 2>/dev/null
done | tee "$work/ours.txt"

# Median ns/op of a Go benchmark (name without -N suffix).
pion_median() {
  grep -E "^$1-[0-9]+ " "$work/pion.txt" | awk '{print $3}' | sort -g |
    awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'
}
# Median CPU ns of one of ours; converts us/ms units to ns.
ours_median() {
  grep -E "^$1_median " "$work/ours.txt" | awk '{
    v=$4; u=$5; if (u=="us") v*=1e3; else if (u=="ms") v*=1e6; print v}' | head -1
}

printf '\n%-44s %12s %12s %8s\n' "operation" "simrtc ns" "Pion ns" "ratio"
row() {  # label ours-benchmark pion-benchmark
  local o p
  o=$(ours_median "$2"); p=$(pion_median "$3")
  awk -v l="$1" -v o="${o:-nan}" -v p="${p:-nan}" 'BEGIN {
    r = (p > 0 && o > 0) ? sprintf("%.2fx", o / p) : "n/a";
    printf "%-44s %12s %12s %8s\n", l, o, p, r }'
}
row "STUN decode (ICE check, 96 B)" BM_Decode BenchmarkStunDecode
row "STUN build + MESSAGE-INTEGRITY + FINGERPRINT" BM_BuildWithIntegrityAndFingerprint BenchmarkStunBuildIntegrityFingerprint
row "STUN verify MESSAGE-INTEGRITY" BM_VerifyMessageIntegrity BenchmarkStunVerifyIntegrity
row "RTP unmarshal (1200 B, 2 ext)" BM_RtpViewParse BenchmarkRtpUnmarshal
row "RTP MarshalTo (1200 B, 2 ext)" BM_RtpMarshalTo BenchmarkRtpMarshalTo
row "SDP parse (Chromium audio+video offer)" "BM_ParseChromiumOffer/validate:0" BenchmarkSdpUnmarshal
row "SDP serialize (Chromium audio+video offer)" BM_SerializeChromiumOffer BenchmarkSdpMarshal
echo "(ratio = simrtc / Pion; below 1.00x means simrtc is faster)"
