#!/bin/bash
# End-to-end tests of the `sim` runner CLI (sim/main.cc): flags, exit
# statuses, messages, and the files --trace and --pcap write.
#   $1: the sim binary
set -u

SIM="$1"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
TSHARK=/usr/bin/tshark
FAILURES=0

fail() {
  echo "FAIL: $*" >&2
  FAILURES=$((FAILURES + 1))
}

# run NAME ARGS...: runs the binary; sets RC, OUT (stdout) and ERR (stderr).
run() {
  local name="$1"
  shift
  "$SIM" --progress=off "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  RC=$?
  OUT="$(cat "$TMP/$name.out")"
  ERR="$(cat "$TMP/$name.err")"
}

expect_rc() {  # expect_rc WHAT WANT
  if [[ "$RC" != "$2" ]]; then
    fail "$1: exit status $RC, want $2; stdout: $OUT; stderr: $ERR"
  fi
}

expect_contains() {  # expect_contains WHAT HAYSTACK NEEDLE
  if [[ "$2" != *"$3"* ]]; then
    fail "$1: output lacks \"$3\"; got: $2"
  fi
}

expect_eq() {  # expect_eq WHAT GOT WANT
  if [[ "$2" != "$3" ]]; then
    fail "$1: got \"$2\", want \"$3\""
  fi
}

# A two-host scenario with an exact, deterministic outcome: 5 pings over
# 10 ms links each way, so every RTT is 20 ms.
write_scenario() {  # write_scenario PATH EXTRA_EXPECTATION
  cat >"$1" <<EOF
name: "cli"
duration: "2s"
topology {
  router { name: "internet" subnet: "198.51.100.0/24" }
  host { name: "alice" router: "internet" link { both { delay: "5ms" } } }
  host { name: "server" router: "internet" link { both { delay: "5ms" } } }
}
node { name: "echo" host: "server" echo_server {} }
node {
  name: "pinger"
  host: "alice"
  ping { target: "server:7" count: 5 interval: "100ms" }
}
expect { node: "pinger" metric: "rtt_avg_ms" min: 20 max: 20 }
$2
EOF
}

GOOD="$TMP/good.textproto"
write_scenario "$GOOD" 'expect { node: "pinger" metric: "replies_received" min: 5 max: 5 }'
FAILING="$TMP/failing.textproto"
write_scenario "$FAILING" 'expect { node: "pinger" metric: "replies_received" min: 6 }'

# --- --help: exit 0, usage text and every flag of sim/main.cc.
run help --help
expect_rc "--help" 0
expect_contains "--help" "$OUT" "sim [flags] [scenario.textproto]"
for flag in --seed --seeds --trace --pcap --pcap_host --progress --quiet \
    --print_default; do
  expect_contains "--help" "$OUT" "    $flag ("
done

# --- --print_default: the built-in scenario, exit 0.
run print_default --print_default
expect_rc "--print_default" 0
expect_contains "--print_default" "$OUT" "duration:"

# --- A file that does not exist: exit 2, named in the message.
run missing "$TMP/no_such_file.textproto"
expect_rc "missing file" 2
expect_eq "missing file" "$ERR" \
  "error: $TMP/no_such_file.textproto: cannot open scenario file"
expect_eq "missing file stdout" "$OUT" ""

# --- Invalid scenarios: exit 2 with file:line:column, field and object.
BAD="$TMP/bad.textproto"
sed 's/host { name: "alice" router: "internet"/host { name: "alice" router: "nowhere"/' \
  "$GOOD" >"$BAD"
run bad "$BAD"
expect_rc "bad scenario" 2
expect_eq "bad scenario" "$ERR" \
  "error: $BAD:5:24: topology.host[0].router: host \"alice\": unknown router \"nowhere\""

SYNTAX="$TMP/syntax.textproto"
sed 's/^duration: "2s"$/durration: "2s"/' "$GOOD" >"$SYNTAX"
run syntax "$SYNTAX"
expect_rc "syntax error" 2
expect_eq "syntax error" "$ERR" \
  "error: $SYNTAX:2:10: Message type \"simrtc.scenarios.Scenario\" has no field named \"durration\"."

# --- A passing scenario: exit 0, full report ending in the summary.
run good "$GOOD"
expect_rc "passing scenario" 0
expect_contains "passing scenario" "$OUT" "Scenario cli ($GOOD)"
expect_contains "passing scenario" "$OUT" \
  'PASS node "pinger" rtt_avg_ms = 20, want [20, 20]'
expect_eq "passing scenario summary" "$(tail -n 1 "$TMP/good.out")" \
  "seed 1: PASS (2/2 expectations)"

# --- A failing expectation: exit 1, named with its location.
run failing "$FAILING"
expect_rc "failing scenario" 1
expect_contains "failing scenario" "$OUT" \
  "FAIL node \"pinger\" replies_received = 5, want [6, +inf]  ($FAILING:15:1)"
expect_eq "failing scenario summary" "$(tail -n 1 "$TMP/failing.out")" \
  "seed 1: FAIL (1 of 2 expectations failed)"
run failing_quiet "$FAILING" --quiet
expect_rc "failing scenario --quiet" 1
expect_eq "failing scenario --quiet" "$OUT" \
  "seed 1: FAIL (1 of 2 expectations failed)
    FAIL node \"pinger\" replies_received = 5, want [6, +inf]  ($FAILING:15:1)"

# --- --seed: replaces the file's seed; must be a number.
run seed "$GOOD" --seed=7 --quiet
expect_rc "--seed=7" 0
expect_eq "--seed=7" "$OUT" "seed 7: PASS (2/2 expectations)"
run bad_seed "$GOOD" --seed=seven
expect_rc "--seed=seven" 2
expect_eq "--seed=seven" "$ERR" "error: --seed=seven is not a number"

# --- --trace: a header, then one line per packet event, as announced.
TRACE="$TMP/x"
run trace "$GOOD" --trace="$TRACE"
expect_rc "--trace" 0
if [[ ! -s "$TRACE" ]]; then
  fail "--trace: $TRACE is missing or empty"
else
  expect_eq "--trace header" "$(head -n 1 "$TRACE")" \
    "# time_us kind packet_id where src dst size reason"
  events=$(($(wc -l <"$TRACE") - 1))
  # 5 probes and 5 replies, each sent and delivered.
  expect_eq "--trace events" "$events" 20
  expect_contains "--trace" "$OUT" "trace: $events events written to $TRACE"
  expect_contains "--trace first event" "$(sed -n 2p "$TRACE")" \
    "0 send 1 alice 198.51.100."
fi

# --- --pcap: a capture tshark reads, one frame per packet written.
PCAP="$TMP/x.pcap"
run pcap "$GOOD" --pcap="$PCAP"
expect_rc "--pcap" 0
if [[ ! -x "$TSHARK" ]]; then
  # tools/setup installs tshark: its absence is a broken machine.
  fail "$TSHARK is missing (tools/setup installs it)"
elif [[ ! -s "$PCAP" ]]; then
  fail "--pcap: $PCAP is missing or empty"
else
  decoded="$(HOME="$TMP" "$TSHARK" -r "$PCAP" 2>"$TMP/tshark.err")"
  tshark_rc=$?
  expect_eq "tshark -r exit status ($(cat "$TMP/tshark.err"))" "$tshark_rc" 0
  frames=$(printf '%s\n' "$decoded" | grep -c .)
  expect_eq "--pcap frames" "$frames" 20
  expect_contains "--pcap" "$OUT" "pcap: 20 packets written to $PCAP"
  # Real IPv4/UDP headers: the first frame is alice's first probe, as sent.
  fields="$(HOME="$TMP" "$TSHARK" -r "$PCAP" -T fields -E separator=, \
    -e ip.src -e ip.dst -e udp.srcport -e udp.dstport 2>/dev/null)"
  expect_eq "--pcap first frame" "$(printf '%s\n' "$fields" | head -n 1)" \
    "198.51.100.2,198.51.100.3,5000,7"
fi

# --- --seeds: a per-seed summary line, then the sweep verdict.
run sweep "$GOOD" --seeds=1..3
expect_rc "--seeds=1..3" 0
expect_eq "--seeds=1..3" "$OUT" "seed 1: PASS (2/2 expectations)
seed 2: PASS (2/2 expectations)
seed 3: PASS (2/2 expectations)

sweep 1..3: 3 seeds run, 0 failed"
run sweep_failing "$FAILING" --seeds=1..3
expect_rc "--seeds=1..3 failing" 1
expect_contains "--seeds=1..3 failing" "$OUT" "seed 2: FAIL (1 of 2 expectations failed)"
expect_contains "--seeds=1..3 failing" "$OUT" "sweep 1..3: 3 seeds run, 3 failed"
expect_contains "--seeds=1..3 failing" "$OUT" "failing seeds: 1 2 3"
expect_contains "--seeds=1..3 failing" "$OUT" \
  "replay one with: bazel run //sim -- $FAILING --seed=1"
run sweep_bad "$GOOD" --seeds=3..1
expect_rc "--seeds=3..1" 2
expect_eq "--seeds=3..1" "$ERR" "error: --seeds=3..1: expected A..B with A <= B"
run sweep_trace "$GOOD" --seeds=1..3 --trace="$TMP/y"
expect_rc "--seeds with --trace" 2
expect_contains "--seeds with --trace" "$ERR" "--seeds sweeps; --seed, --trace"

if [[ "$FAILURES" -ne 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all CLI checks passed"
