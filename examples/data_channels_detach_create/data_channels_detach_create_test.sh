#!/usr/bin/env bash
# Smoke test of //examples/data_channels_detach_create (offering, detached)
# with //examples/data_channels (answering, callbacks) on loopback through
# fifos and through HTTP: 3 messages each way, both exit 0.
source tests/interop/lib.sh
source examples/common/pair_lib.sh
OFFER="$1"
ANSWER="$2"
[ -x "$ANSWER" ] && [ -x "$OFFER" ] || fail "binaries missing: $OFFER $ANSWER"
FLAGS=(--interval=0.2 --count=3 --duration=60)
A=("$ANSWER" "${FLAGS[@]}")
O=("$OFFER" "${FLAGS[@]}")
pair_stdin stdin A O
expect_exchange stdin data 3
pair_http http A O
expect_exchange http data 3
echo PASS
