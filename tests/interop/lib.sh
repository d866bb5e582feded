# Shared by the interop tests: fail (never skip) when a tool is missing,
# free loopback ports, and cleanup of exactly the processes we started.
set -u
PIDS=()
TMP="$(mktemp -d "${TEST_TMPDIR:-/tmp}/interop.XXXXXX")"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
need() {
  for t in "$@"; do
    [ -x "$t" ] || fail "$t missing (tools/setup installs the Debian package coturn)"
  done
}
# A UDP port free right now on 127.0.0.1 (the kernel picks it).
free_port() {
  python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}
# Start a background process, remembering its pid for cleanup.
spawn() {
  local log="$1"; shift
  "$@" >"$log" 2>&1 &
  PIDS+=("$!")
}
start_coturn() {  # port min_port max_port
  need /usr/bin/turnserver
  spawn "$TMP/coturn.log" timeout 60 /usr/bin/turnserver -n \
    --no-tls --no-dtls --lt-cred-mech --user=u:p --realm=r \
    --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$1" \
    --min-port="$2" --max-port="$3" --no-cli --log-file=stdout \
    --allow-loopback-peers --no-tcp-relay --pidfile="$TMP/turnserver.pid" \
    --userdb="$TMP/turndb" --no-stun-backward-compatibility 2>/dev/null
  for _ in $(seq 50); do
    grep -q "Total General servers\|IPv4. UDP listener opened on *: 127.0.0.1:$1\|listener opened on" "$TMP/coturn.log" 2>/dev/null && { sleep 0.3; return 0; }
    sleep 0.1
  done
  cat "$TMP/coturn.log" >&2
  fail "coturn did not start"
}
