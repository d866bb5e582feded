# Smoke-test helpers for the examples. Source tests/interop/lib.sh first
# (fail, PIDS cleanup, TMP, spawn).
#
# Any smoke test:
#   need_binaries BIN...          fail unless each BIN is executable.
#   await_listening FILE [SECS]   wait (default 30 s) for the "LISTENING
#                                 <ip>:<port>" line a server prints in FILE
#                                 and set ADDR to the address; false when
#                                 none came.
#   wait_line FILE REGEX SECS     print the first line of FILE matching
#                                 REGEX (grep -E) once there; false when none
#                                 came in time.
#   logs                          print every $TMP/*.log (tests that keep
#                                 one log per process there).
#   log_failures                  from here on, fail also prints logs.
#   chromium_node_path CLI        for a Node page driver: locate_chromium_peer
#                                 CLI (tests/interop/chromium_peer.sh,
#                                 sourced first) and export NODE_PATH with
#                                 its playwright-core.
#
# The data-channel examples: run an answering and an offering example
# against each other, signaling through fifos (the base64 lines of
# --signal=stdin) or HTTP, and check what they print.
#
#   pair_stdin NAME ANSWERER_ARRAY OFFERER_ARRAY
#   pair_http  NAME ANSWERER_ARRAY OFFERER_ARRAY
# run the two commands (array names; signaling flags are added here), wait
# for both to exit (each bounded by PAIR_TIMEOUT seconds, default 90) and
# fail unless both exit 0. Their stdout/stderr end up in
# $TMP/NAME/{answerer,offerer}.{out,err}; PAIR_DIR names that folder.
# Then:
#   expect_exchange NAME LABEL N  both sides printed the channel open and at
#                                 least N received messages, and the first
#                                 message each side sent arrived verbatim.
#   expect_line FILE REGEX WHAT   FILE has a line matching REGEX (grep -E).
#   exchange_both ANSWERER OFFERER  the two binaries through fifos, then
#                                 through HTTP, each run with --interval=0.2
#                                 --count=3 --duration=60, and
#                                 expect_exchange of 3 messages on "data".
B64_RE='^[A-Za-z0-9+/]{40,}={0,2}$'
PAIR_TIMEOUT="${PAIR_TIMEOUT:-90}"

need_binaries() {
  local b
  for b in "$@"; do
    [ -x "$b" ] || fail "binary missing: $b"
  done
}

logs() {
  local f
  for f in "$TMP"/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f"
    cat "$f"
  done
}

log_failures() {
  fail() { echo "FAIL: $*" >&2; logs >&2; exit 1; }
}

chromium_node_path() {  # CLI
  locate_chromium_peer "$1"
  export NODE_PATH="$(dirname "$PEER")/node_modules"
  [ -d "$NODE_PATH/playwright-core" ] || fail "no playwright-core in $NODE_PATH"
}

show_logs() {  # DIR
  for f in "$1"/*.out "$1"/*.err; do
    [ -f "$f" ] || continue
    echo "----- $f" >&2
    tail -n 60 "$f" >&2
  done
}

pair_fail() {  # DIR MESSAGE
  show_logs "$1"
  fail "$2"
}

# wait_line FILE REGEX SECONDS: prints the first matching line once there.
wait_line() {
  local file="$1" re="$2" deadline=$((SECONDS + $3)) line
  while [ "$SECONDS" -le "$deadline" ]; do
    line="$(grep -m1 -E "$re" "$file" 2>/dev/null)" && { echo "$line"; return 0; }
    sleep 0.1
  done
  return 1
}

await_listening() {  # FILE [SECONDS]
  local line
  line="$(wait_line "$1" '^LISTENING ' "${2:-30}")" || return 1
  ADDR="${line#LISTENING }"
}

# wait_exit DIR PID WHAT: waits for PID (bounded by its own timeout wrapper)
# and fails unless it exited 0.
wait_exit() {
  local dir="$1" pid="$2" what="$3" rc=0
  wait "$pid" || rc=$?
  [ "$rc" = 0 ] || pair_fail "$dir" "$what exited with status $rc (124: timed out)"
}

# pair_begin NAME ANSWERER_ARRAY OFFERER_ARRAY HOW: sets PAIR_DIR (made)
# and announces the pairing.
pair_begin() {
  local -n pb_ans="$2" pb_off="$3"
  PAIR_DIR="$TMP/$1"
  mkdir -p "$PAIR_DIR"
  echo "== $1: ${pb_ans[*]##*/} <-> ${pb_off[*]##*/} ($4)"
}

pair_stdin() {
  local name="$1"
  local -n ans_cmd="$2" off_cmd="$3"
  pair_begin "$name" "$2" "$3" stdin/stdout
  local dir="$PAIR_DIR"
  mkfifo "$dir/answerer.in" "$dir/offerer.in"
  timeout "$PAIR_TIMEOUT" "${off_cmd[@]}" --signal=stdin <"$dir/offerer.in" \
    >"$dir/offerer.out" 2>"$dir/offerer.err" &
  local off_pid=$!
  PIDS+=("$off_pid")
  timeout "$PAIR_TIMEOUT" "${ans_cmd[@]}" --signal=stdin <"$dir/answerer.in" \
    >"$dir/answerer.out" 2>"$dir/answerer.err" &
  local ans_pid=$!
  PIDS+=("$ans_pid")
  # Read-write opens never block; they keep the fifos open for writing.
  local ans_in off_in offer answer
  exec {ans_in}<>"$dir/answerer.in" {off_in}<>"$dir/offerer.in"
  offer="$(wait_line "$dir/offerer.out" "$B64_RE" 30)" ||
    pair_fail "$dir" "$name: the offerer printed no base64 offer line"
  echo "$offer" >&"$ans_in"
  answer="$(wait_line "$dir/answerer.out" "$B64_RE" 30)" ||
    pair_fail "$dir" "$name: the answerer printed no base64 answer line"
  echo "$answer" >&"$off_in"
  wait_exit "$dir" "$off_pid" "$name: the offerer"
  wait_exit "$dir" "$ans_pid" "$name: the answerer"
  exec {ans_in}>&- {off_in}>&-
}

pair_http() {
  local name="$1"
  local -n ans_cmd="$2" off_cmd="$3"
  pair_begin "$name" "$2" "$3" HTTP
  local dir="$PAIR_DIR"
  timeout "$PAIR_TIMEOUT" "${ans_cmd[@]}" --signal=http --http=127.0.0.1:0 \
    </dev/null >"$dir/answerer.out" 2>"$dir/answerer.err" &
  local ans_pid=$!
  PIDS+=("$ans_pid")
  await_listening "$dir/answerer.out" ||
    pair_fail "$dir" "$name: the answerer printed no LISTENING line"
  PAIR_ADDR="$ADDR"
  timeout "$PAIR_TIMEOUT" "${off_cmd[@]}" --signal=http \
    --offer-url="http://$PAIR_ADDR/offer" </dev/null \
    >"$dir/offerer.out" 2>"$dir/offerer.err" &
  local off_pid=$!
  PIDS+=("$off_pid")
  wait_exit "$dir" "$off_pid" "$name: the offerer"
  wait_exit "$dir" "$ans_pid" "$name: the answerer"
}

expect_line() {  # FILE REGEX WHAT
  grep -qE "$2" "$1" || pair_fail "$(dirname "$1")" "$3 (no line matching /$2/ in $1)"
}

# The first "Sending '<text>'" of FROM shows up as received in TO.
expect_delivered() {  # FROM TO LABEL
  local text
  text="$(sed -n "s/^Sending '\\([A-Za-z]*\\)'$/\\1/p" "$1" | head -n1)"
  [ -n "$text" ] || pair_fail "$(dirname "$1")" "no message sent in $1"
  grep -qxF "Message from DataChannel '$3': '$text'" "$2" ||
    pair_fail "$(dirname "$1")" "'$text' sent by $(basename "$1") never arrived in $(basename "$2")"
}

expect_exchange() {  # NAME LABEL N
  local dir="$TMP/$1" side n
  for side in answerer offerer; do
    expect_line "$dir/$side.out" "^Data channel '$2'-'[0-9]+' open" "$1: $side: channel never opened"
    n="$(grep -cE "^Message from DataChannel '$2': '.+'\$" "$dir/$side.out")" || true
    [ "${n:-0}" -ge "$3" ] ||
      pair_fail "$dir" "$1: $side received ${n:-0} messages, expected at least $3"
  done
  expect_delivered "$dir/offerer.out" "$dir/answerer.out" "$2"
  expect_delivered "$dir/answerer.out" "$dir/offerer.out" "$2"
  echo "   ok: both opened '$2' and exchanged >= $3 messages each way"
}

exchange_both() {  # ANSWERER OFFERER
  need_binaries "$1" "$2"
  local flags=(--interval=0.2 --count=3 --duration=60)
  PAIR_ANSWERER=("$1" "${flags[@]}")
  PAIR_OFFERER=("$2" "${flags[@]}")
  pair_stdin stdin PAIR_ANSWERER PAIR_OFFERER
  expect_exchange stdin data 3
  pair_http http PAIR_ANSWERER PAIR_OFFERER
  expect_exchange http data 3
}
