#!/bin/bash
# //net:mdns on real sockets, IPv4: processes publish names on
# 224.0.0.251:5353 over the loopback interface and another process resolves
# them. Needs no privileges and no multicast route: the sockets pick lo with
# IP_MULTICAST_IF, and 224.0.0.251 is link-local multicast, which Linux
# sends out of the chosen interface without a route.
#
# Each process uses its own 127.0.0.0/8 address (all of them are local on
# lo): the mDNS endpoint ignores datagrams from one of its own addresses on
# port 5353 as its own multicast looped back, so two processes sharing an
# address could not hear each other.
source "$(dirname "$0")/lib.sh"
MDNS="$1"
[ -x "$MDNS" ] || fail "mdns binary missing: $MDNS"

wait_published() {  # log
  for _ in $(seq 50); do
    grep -q '^PUBLISHED ' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$1" >&2
  fail "publisher did not start (log above)"
}

NAME="simrtc-test-$$-$RANDOM.local"
# A Chromium-style host candidate name: a random version 4 UUID.
UUID="$(cat /proc/sys/kernel/random/uuid).local"
UUID_UPPER="${UUID^^}"

spawn "$TMP/pub1.log" timeout 60 "$MDNS" --publish="$NAME" \
  --address=192.0.2.44 --interface=127.0.0.1
PUB1=${PIDS[-1]}
spawn "$TMP/pub2.log" timeout 60 "$MDNS" --publish="$UUID" \
  --address=192.0.2.45,2001:db8::45 --interface=127.0.0.3
PUB2=${PIDS[-1]}
wait_published "$TMP/pub1.log"
wait_published "$TMP/pub2.log"
cat "$TMP/pub1.log" "$TMP/pub2.log"

resolve() {  # expected-output args...
  local want="$1"; shift
  local out
  out=$(timeout 20 "$MDNS" --interface=127.0.0.2 --timeout=8s "$@" 2>&1) \
    || fail "mdns $* failed: $out"
  echo "$out"
  [ "$out" = "$want" ] || fail "mdns $*: expected \"$want\", got \"$out\""
}

resolve "RESOLVED $NAME 192.0.2.44" --resolve="$NAME"
resolve "RESOLVED $UUID 192.0.2.45" --resolve="$UUID" --family=ipv4
# Names compare case-insensitively; the answer keeps the asked spelling.
resolve "RESOLVED $UUID_UPPER 2001:db8::45" --resolve="$UUID_UPPER" \
  --family=ipv6
resolve "RESOLVED $UUID 192.0.2.45
RESOLVED $UUID 2001:db8::45" --resolve="$UUID"

# A name nobody publishes: exit 1, the error names it.
MISSING="missing-$$-$RANDOM.local"
if OUT=$(timeout 20 "$MDNS" --resolve="$MISSING" --interface=127.0.0.2 \
    --timeout=1s 2>&1); then
  fail "resolving $MISSING succeeded: $OUT"
fi
echo "$OUT"
echo "$OUT" | grep -q "could not resolve $MISSING" \
  || fail "error does not name $MISSING: $OUT"

# The publishers answered over the network and never failed to send.
kill "$PUB1" "$PUB2"
wait "$PUB1" "$PUB2"
for log in "$TMP/pub1.log" "$TMP/pub2.log"; do
  cat "$log"
  grep -Eq 'stopped; [1-9][0-9]* queries received, [1-9][0-9]* responses sent, .* 0 sends failed' \
    "$log" || fail "unexpected publisher statistics in $log"
done
echo PASS
