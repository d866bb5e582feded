#!/bin/bash
# Smoke test of bench/interop/side_by_side.sh: one round of a small bench
# (2 MB) for ours <-> ours, Pion <-> Pion and Chromium <-> Chromium with the
# peers Bazel hands in, then checks the table has its three rows with numbers
# in every column and the four target lines. No timing assertion: whether a
# target is met is for the benchmark run, not for this test. Missing tools
# (Go and Pion's sources, Chromium, Node, playwright-core) fail it.
#   side_by_side_test.sh SCRIPT OURS PION_BUILD_SH CHROMIUM_CLI
set -uo pipefail
SCRIPT="$1" OURS="$2" PION_BUILD="$3" CHROMIUM_CLI="$4"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v go >/dev/null \
  || fail "go missing (tools/setup --bench installs the Debian package golang-go)"
export GOCACHE="${TEST_TMPDIR:-/tmp}/gocache"
OUT="${TEST_TMPDIR:-/tmp}/side_by_side.out"
bash "$SCRIPT" --no-setup --ours="$OURS" --pion-build="$PION_BUILD" \
  --chromium-cli="$CHROMIUM_CLI" --bytes=2000000 --reps=1 --timeout=60 >"$OUT"
rc=$?
cat "$OUT"
[ "$rc" = 0 ] || fail "side_by_side.sh exited $rc"
num='[0-9]+(\.[0-9]+)?'
for name in 'ours \(simrtc\)' 'Pion v3' 'Chromium'; do
  grep -Eq "^\| $name( \| $num){6} \| 1/1 \|\$" "$OUT" \
    || fail "no table row with numbers for $name"
done
for target in 'goodput ours/Pion ' 'goodput ours/Chromium ' 'setup ours/Pion ' 'memory ours/Pion '; do
  grep -Eq "^  $target.*: (met|NOT met)\$" "$OUT" || fail "no verdict line for $target"
done
echo PASS
