#!/usr/bin/env bash
# TURN relay throughput on loopback: our //net:turn_server against Debian's
# coturn, the same load (bench/turn:turn_load) against each, in one run.
# Prints a table of relayed packets per second.
#
#   bench/turn/turn_vs_coturn.sh [--seconds=5] [--clients=4] [--size=200]
#
# Both servers are single processes on 127.0.0.1 with long-term credentials;
# coturn runs with its defaults otherwise (it may use several relay
# threads; ours is one event loop). Needs coturn (tools/setup installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/setup >/dev/null
SECONDS_ARG=5; CLIENTS=4; SIZE=200; WINDOW=64
for a in "$@"; do
  case "$a" in
    --seconds=*) SECONDS_ARG="${a#*=}" ;;
    --clients=*) CLIENTS="${a#*=}" ;;
    --size=*) SIZE="${a#*=}" ;;
    --window=*) WINDOW="${a#*=}" ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
bazel build -c opt //net:turn_server //bench/turn:turn_load 2>/dev/null
BIN=bazel-bin
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
free_port() {
  python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
wait_for() {  # log pattern
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  cat "$1" >&2; echo "server did not start" >&2; exit 1
}
load() {  # port
  "$BIN"/bench/turn/turn_load --server=127.0.0.1:"$1" --user=u --password=p \
    --clients="$CLIENTS" --seconds="$SECONDS_ARG" --size="$SIZE" --window="$WINDOW"
}

OURS_PORT=$(free_port)
"$BIN"/net/turn_server --listen=127.0.0.1:"$OURS_PORT" --relay_ip=127.0.0.1 \
  --relay_ports=41000-41999 --realm=r --user=u=p --max_allocations_per_user=100 \
  >"$TMP/ours.log" 2>&1 &
PIDS+=("$!")
wait_for "$TMP/ours.log" "listening on"
OURS=$(load "$OURS_PORT")
kill "${PIDS[-1]}"

COTURN_PORT=$(free_port)
/usr/bin/turnserver -n --no-tls --no-dtls --lt-cred-mech --user=u:p --realm=r \
  --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$COTURN_PORT" \
  --min-port=42000 --max-port=42999 --no-cli --log-file=stdout \
  --allow-loopback-peers --no-tcp-relay --pidfile="$TMP/turnserver.pid" \
  --userdb="$TMP/turndb" --no-stun-backward-compatibility >"$TMP/coturn.log" 2>&1 &
PIDS+=("$!")
wait_for "$TMP/coturn.log" "Total General servers\|listener opened on"
sleep 0.5
COTURN=$(load "$COTURN_PORT")

field() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
printf '%-8s %12s %10s %10s %8s\n' server "relayed/s" MB/s relayed lost
printf '%-8s %12s %10s %10s %8s\n' simrtc "$(field "$OURS" pps)" "$(field "$OURS" MBps)" "$(field "$OURS" relayed)" "$(field "$OURS" lost)"
printf '%-8s %12s %10s %10s %8s\n' coturn "$(field "$COTURN" pps)" "$(field "$COTURN" MBps)" "$(field "$COTURN" relayed)" "$(field "$COTURN" lost)"
python3 -c "print('ratio simrtc/coturn: %.2f' % ($(field "$OURS" pps)/max(1.0,$(field "$COTURN" pps))))"
