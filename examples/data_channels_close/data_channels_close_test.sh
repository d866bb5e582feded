#!/usr/bin/env bash
# Smoke test of //examples/data_channels_close on loopback, one process per
# role: through fifos the offerer closes the channel after 3 messages; over
# HTTP the answerer closes it after 2. Both sides must print the close and
# exit 0 by themselves (they fail if --duration runs out first).
source tests/interop/lib.sh
source examples/common/pair_lib.sh
CLOSE="$1"
[ -x "$CLOSE" ] || fail "binary missing: $CLOSE"
FLAGS=(--interval=0.2 --duration=60)

expect_closed() {  # NAME CLOSER OTHER N
  local dir="$TMP/$1"
  expect_line "$dir/$2.out" "^Sent $4 times\\. Closing data channel 'data'-'[0-9]+'\$" \
    "$1: the $2 did not announce closing after $4 messages"
  [ "$(grep -c '^Sending ' "$dir/$2.out")" = "$4" ] ||
    pair_fail "$dir" "$1: the $2 sent other than $4 messages"
  for side in "$2" "$3"; do
    expect_line "$dir/$side.out" "^Data channel 'data'-'[0-9]+' open" "$1: $side: never opened"
    expect_line "$dir/$side.out" "^Data channel 'data'-'[0-9]+' closed\$" "$1: $side: no close seen"
  done
  expect_delivered "$dir/$2.out" "$dir/$3.out" data
  echo "   ok: the $2 closed after $4 messages, both saw the close and exited 0"
}

A=("$CLOSE" --role=answer --close-after=0 "${FLAGS[@]}")
O=("$CLOSE" --role offer --close-after 3 "${FLAGS[@]}")
pair_stdin stdin A O
expect_closed stdin offerer answerer 3

A=("$CLOSE" --role=answer --close-after=2 "${FLAGS[@]}")
O=("$CLOSE" --role=offer --close-after=0 "${FLAGS[@]}")
pair_http http A O
expect_closed http answerer offerer 2
echo PASS
