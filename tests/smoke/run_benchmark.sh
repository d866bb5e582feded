#!/bin/sh
# Runs a Google Benchmark binary briefly; fails if it does not run or
# reports no benchmark.
set -eu
out=$("$1" --benchmark_min_time=0.001 2>&1)
echo "$out"
echo "$out" | grep -q "^BM_" || { echo "no benchmark ran" >&2; exit 1; }
