#!/bin/bash
# Our //net:stun_client gets a correct binding from coturn's STUN service.
source "$(dirname "$0")/lib.sh"
STUN_CLIENT="$1"
need /usr/bin/turnserver "$STUN_CLIENT"
PORT=$(free_port)
RELAY=$((40000 + (RANDOM % 200) * 100))
start_coturn "$PORT" "$RELAY" $((RELAY + 99))
OUT=$(timeout 10 "$STUN_CLIENT" --server=127.0.0.1:"$PORT" --local=127.0.0.1:0) \
  || fail "stun_client failed: $OUT"
echo "$OUT"
echo "$OUT" | grep -Eq '^XOR-MAPPED-ADDRESS 127\.0\.0\.1:[1-9][0-9]*$' \
  || fail "unexpected mapping: $OUT"
echo PASS
