#!/bin/bash
# Our //net:turn_client allocates through coturn (401 dance, permission,
# Send indication; then a channel and ChannelData) and gets the echo back
# from coturn's turnutils_peer.
source "$(dirname "$0")/lib.sh"
TURN_CLIENT="$1"
need /usr/bin/turnserver /usr/bin/turnutils_peer "$TURN_CLIENT"
PORT=$(free_port)
PEER=$(free_port)
RELAY=$((40000 + (RANDOM % 200) * 100))
start_coturn "$PORT" "$RELAY" $((RELAY + 99))
spawn "$TMP/peer.log" timeout 60 /usr/bin/turnutils_peer -L 127.0.0.1 -p "$PEER"
sleep 0.3
for mode in "" "--channel"; do
  OUT=$(timeout 15 "$TURN_CLIENT" --server=127.0.0.1:"$PORT" \
    --local=127.0.0.1:0 --user=u --password=p --peer=127.0.0.1:"$PEER" \
    --message="ping$mode" --timeout_s=10 $mode 2>&1) || {
    cat "$TMP/coturn.log" >&2
    fail "turn_client $mode failed: $OUT"
  }
  echo "$OUT"
  echo "$OUT" | grep -q "^RELAYED 127\.0\.0\.1:" || fail "no relayed address"
  echo "$OUT" | grep -q "^RECEIVED from 127\.0\.0\.1:$PEER: ping$mode\$" \
    || fail "no echo through the relay ($mode)"
done
echo PASS
