#!/bin/bash
# //net:mdns on real sockets, IPv6: a process publishes names on
# [ff02::fb]:5353 over the loopback interface and another resolves them.
#
# This cannot run in the host's network namespace without root-only setup,
# so the test makes its own namespace:
#  - Linux routes no IPv6 multicast out of lo. The host's lo has no route
#    for ff00::/8, so sending to ff02::fb via lo fails with ENETUNREACH (the
#    tool's route check reports it; this script prints that diagnostic
#    first). An ordinary route through lo is turned into a reject route by
#    the kernel; only a route of type `local` (`ip -6 route add local
#    ff00::/8 dev lo table local`) delivers ff02::fb there, and adding it
#    needs CAP_NET_ADMIN.
#  - lo has one IPv6 address, ::1, but two mDNS processes on one host need
#    different addresses (the endpoint ignores datagrams from its own
#    address on port 5353 as its own looped-back multicast), so ::2 is
#    added too.
# `unshare --user --map-root-user --net` gives the test a fresh network
# namespace in which it holds CAP_NET_ADMIN: no real root where user
# namespaces are allowed (Debian 12's default), and CI runs as root anyway.
# The host's routes and addresses are never touched. If unshare or ip
# (iproute2) is missing or refused, the test fails; it never skips.
MDNS="$1"
if [ -z "${SIMRTC_MDNS_NETNS:-}" ]; then
  source "$(dirname "$0")/lib.sh"
  [ -x "$MDNS" ] || fail "mdns binary missing: $MDNS"
  command -v unshare >/dev/null || fail "unshare (util-linux) missing"
  command -v ip >/dev/null || fail "ip (Debian package iproute2) missing"
  echo "host namespace diagnostic (expected to fail: no IPv6 multicast on lo):"
  timeout 10 "$MDNS" --resolve=diagnostic.local --interface=::1 --timeout=1s 2>&1
  echo "(exit $?)"
  SIMRTC_MDNS_NETNS=1 timeout 120 unshare --user --map-root-user --net \
    "$0" "$@" || fail "the test inside the network namespace failed (above)"
  echo PASS
  exit 0
fi

# Inside the private network namespace from here on.
source "$(dirname "$0")/lib.sh"
ip link set lo up || fail "ip link set lo up"

# Without a route the tool refuses ::1 with a reason.
OUT=$(timeout 10 "$MDNS" --resolve=x.local --interface=::1 --timeout=1s 2>&1) \
  && fail "mdns on ::1 without a multicast route succeeded: $OUT"
echo "$OUT"
echo "$OUT" | grep -q "no route sends ff02::fb out of this interface" \
  || fail "expected a route error, got: $OUT"

ip -6 route add local ff00::/8 dev lo table local \
  || fail "ip -6 route add local ff00::/8 dev lo table local"
ip -6 addr add ::2/128 dev lo || fail "ip -6 addr add ::2/128 dev lo"

NAME="simrtc-test-$$-$RANDOM.local"
UUID="$(cat /proc/sys/kernel/random/uuid).local"
spawn "$TMP/pub1.log" timeout 60 "$MDNS" --publish="$NAME" \
  --address=fd00::44 --interface=::1
PUB1=${PIDS[-1]}
# Both families on lo in one process.
spawn "$TMP/pub2.log" timeout 60 "$MDNS" --publish="$UUID" \
  --address=192.0.2.45,fd00::45 --interface=::1,127.0.0.1
PUB2=${PIDS[-1]}
for log in "$TMP/pub1.log" "$TMP/pub2.log"; do
  for _ in $(seq 50); do
    grep -q '^PUBLISHED ' "$log" 2>/dev/null && break
    sleep 0.1
  done
  grep -q '^PUBLISHED ' "$log" || { cat "$log" >&2; fail "publisher did not start"; }
  cat "$log"
done

resolve() {  # expected-output args...
  local want="$1"; shift
  local out
  out=$(timeout 20 "$MDNS" --interface=::2 --timeout=8s "$@" 2>&1) \
    || fail "mdns $* failed: $out"
  echo "$out"
  [ "$out" = "$want" ] || fail "mdns $*: expected \"$want\", got \"$out\""
}
resolve "RESOLVED $NAME fd00::44" --resolve="$NAME"
resolve "RESOLVED $UUID fd00::45" --resolve="$UUID" --family=ipv6
# An A record asked over IPv6 only.
resolve "RESOLVED $UUID 192.0.2.45" --resolve="$UUID" --family=ipv4

kill "$PUB1" "$PUB2"
wait "$PUB1" "$PUB2"
for log in "$TMP/pub1.log" "$TMP/pub2.log"; do
  cat "$log"
  grep -Eq 'stopped; [1-9][0-9]* queries received, [1-9][0-9]* responses sent, .* 0 sends failed' \
    "$log" || fail "unexpected publisher statistics in $log"
done
