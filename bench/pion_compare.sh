#!/usr/bin/env bash
# Runs our wire-format benchmarks and Pion's on the same inputs, in the same
# run on this machine, and prints a table of medians and ratios.
# Needs: tools/setup --bench (golang-go and Debian's Pion sources).
#   REPS=5 bench/pion_compare.sh
# The two sides run in alternating rounds (Pion first in odd rounds, ours
# first in even ones), one measurement of every benchmark per round, so load
# from other work on a shared machine hits both sides alike; the table shows
# the median over the rounds.
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
(cd "$gp/src/simrtc/pioncompare" &&
  GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= \
    go test -c -o "$work/pion.test" .)

# Ours, optimised; binaries run from the workspace root (sdp_bench reads
# core/sdp/testdata from there).
targets=(//bench/stun:stun_bench //bench/rtp:rtp_bench //bench/rtcp:rtcp_bench
         //bench/sdp:sdp_bench //bench/rtcp:write_compounds)
bazel build -c opt "${targets[@]}" 2>/dev/null
bin="$(bazel info -c opt bazel-bin 2>/dev/null)"
ours=("$bin/bench/stun/stun_bench" "$bin/bench/rtp/rtp_bench"
      "$bin/bench/rtcp/rtcp_bench" "$bin/bench/sdp/sdp_bench")
# The RTCP compounds //bench/rtcp:rtcp_bench parses, as bytes for Pion.
mkdir -p "$work/rtcp"
"$bin/bench/rtcp/write_compounds" "$work/rtcp" >/dev/null

run_pion() {
  SDP_FILE="$PWD/core/sdp/testdata/chromium_av_offer.sdp" RTCP_DIR="$work/rtcp" \
    "$work/pion.test" -test.run XXX -test.bench . -test.benchmem -test.count 1 |
    grep '^Benchmark' | tee -a "$work/pion.txt"
}
run_ours() {
  for b in "${ours[@]}"; do "$b" 2>/dev/null | grep '^BM_'; done |
    tee -a "$work/ours.txt"
}
: >"$work/pion.txt"
: >"$work/ours.txt"
for ((i = 1; i <= REPS; i++)); do
  echo "== round $i of $REPS, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if ((i % 2)); then run_pion; run_ours; else run_ours; run_pion; fi
done
echo "== done, load average $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "nan"}'; }
# Median ns/op of a Go benchmark (name without -N suffix); ns/op is wall time.
pion_median() {
  grep -E "^$1-[0-9]+ " "$work/pion.txt" | awk '{print $3}' | median
}
# Median ns of one of ours, wall ("Time", field 2) or CPU (field 4);
# converts us/ms units to ns.
ours_median() {  # benchmark field
  grep -E "^$1 " "$work/ours.txt" | awk -v f="$2" '{
    v=$f; u=$(f+1); if (u=="us") v*=1e3; else if (u=="ms") v*=1e6; print v}' |
    median
}

# The ratio compares our wall time with Go's ns/op, which is wall time too.
# Our CPU time is shown for scale: when it is well below our wall time the
# round ran on a loaded machine.
printf '\n%-44s %10s %10s %10s %7s\n' "operation" "simrtc" "simrtc" "Pion" "ratio"
printf '%-44s %10s %10s %10s %7s\n' "" "wall ns" "CPU ns" "ns/op" ""
row() {  # label ours-benchmark pion-benchmark
  local o c p
  o=$(ours_median "$2" 2); c=$(ours_median "$2" 4); p=$(pion_median "$3")
  awk -v l="$1" -v o="${o:-nan}" -v c="${c:-nan}" -v p="${p:-nan}" 'BEGIN {
    r = (p > 0 && o > 0) ? sprintf("%.2fx", o / p) : "n/a";
    printf "%-44s %10s %10s %10s %7s\n", l, o, c, p, r }'
}
row "STUN decode (ICE check, 92 B)" BM_Decode BenchmarkStunDecode
row "STUN build + MESSAGE-INTEGRITY + FINGERPRINT" BM_BuildWithIntegrityAndFingerprint BenchmarkStunBuildIntegrityFingerprint
row "STUN verify MESSAGE-INTEGRITY" BM_VerifyMessageIntegrity BenchmarkStunVerifyIntegrity
row "RTP unmarshal (1200 B, 2 ext)" BM_RtpViewParse BenchmarkRtpUnmarshal
row "RTP MarshalTo (1200 B, 2 ext)" BM_RtpMarshalTo BenchmarkRtpMarshalTo
row "RTCP compound parse (SR+SDES+REMB, 104 B)" BM_RtcpParseSrSdesRemb BenchmarkRtcpUnmarshalSrSdesRemb
row "RTCP compound parse (RR+NACK+TWCC, 128 B)" BM_RtcpParseRrNackTwcc BenchmarkRtcpUnmarshalRrNackTwcc
# Pion's Unmarshal checks the line grammar and order and the v=, o=, c=, b=,
# t=, m= fields, but stores each a= line as an unchecked key/value pair; our
# validate:0 does the same (and also requires the name to be a token).
# validate:1 (our default) also parses every typed attribute, which Pion
# leaves to later accessors: shown for completeness, not the same work.
row "SDP parse (Chromium a+v offer, validate:0)" "BM_ParseChromiumOffer/validate:0" BenchmarkSdpUnmarshal
row "SDP parse (same, validate:1, stricter)" "BM_ParseChromiumOffer/validate:1" BenchmarkSdpUnmarshal
row "SDP serialize (Chromium audio+video offer)" BM_SerializeChromiumOffer BenchmarkSdpMarshal
echo "(medians of $REPS rounds; ratio = simrtc wall / Pion; below 1.00x means simrtc is faster)"
