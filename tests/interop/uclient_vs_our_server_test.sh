#!/bin/bash
# coturn's turnutils_uclient allocates and relays (Send indications, -s) through
# our //net:turn_server to turnutils_peer, and every message comes back.
# Not channels: uclient draws channel numbers from RFC 5766's 0x4000-0x7FFF,
# and RFC 8656 (which we follow) answers 400 outside 0x4000-0x4FFF.
source "$(dirname "$0")/lib.sh"
TURN_SERVER="$1"
need /usr/bin/turnutils_uclient /usr/bin/turnutils_peer "$TURN_SERVER"
PORT=$(free_port)
PEER=$(free_port)
RELAY=$((40000 + (RANDOM % 200) * 100))
spawn "$TMP/server.log" timeout 60 "$TURN_SERVER" --listen=127.0.0.1:"$PORT" \
  --relay_ip=127.0.0.1 --relay_ports="$RELAY-$((RELAY + 99))" --realm=r \
  --user=u=p
spawn "$TMP/peer.log" timeout 60 /usr/bin/turnutils_peer -L 127.0.0.1 -p "$PEER"
for _ in $(seq 50); do
  grep -q "listening on" "$TMP/server.log" && break
  sleep 0.1
done
grep -q "listening on" "$TMP/server.log" || { cat "$TMP/server.log"; fail "server did not start"; }
OUT=$(timeout 30 /usr/bin/turnutils_uclient -s -c -u u -w p -e 127.0.0.1 \
  -r "$PEER" -p "$PORT" -n 10 -m 1 127.0.0.1 2>&1)
echo "$OUT" | tail -8
cat "$TMP/server.log"
echo "$OUT" | grep -q "tot_send_msgs=10, tot_recv_msgs=10" \
  || fail "uclient did not get its 10 messages back"
grep -q "^allocation user=u" "$TMP/server.log" || fail "no allocation logged"
echo PASS
