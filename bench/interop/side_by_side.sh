#!/usr/bin/env bash
# Data channels side by side: ours <-> ours, Pion v3 <-> Pion v3 and headless
# Chromium <-> Chromium on loopback, in ONE run, with the command-line peers
# that share the //examples/cli contract (examples/cli/main.cc,
# interop/pion/cli/main.go, interop/chromium/cli.js): the same 16 KiB
# messages, the same 1 MiB buffered-amount ceiling, the same total bytes.
#
#   bench/interop/side_by_side.sh [--bytes=N] [--reps=N] [--timeout=S]
#                                 [--stacks=ours,pion,chromium]
#   REPS=5 BYTES=20000000 bench/interop/side_by_side.sh
#
# Per stack and round: an answerer on --port 0 (it prints LISTENING
# 127.0.0.1:<port>), then an offerer with --mode bench --bytes N. Recorded:
#   goodput   the offerer's "BENCH ... MBps=<x>" (MB = 10^6 bytes of message
#             payload per second, from sending "size:<N>" to receiving
#             "done:<N>");
#   setup     the offerer's "SETUP seconds=<t>" (offer created to data
#             channel open: ICE gathering, the HTTP exchange, ICE, DTLS,
#             SCTP, DCEP; Chromium's browser launch comes before and is not
#             included);
#   memory    peak resident memory of the offer process and of the answer
#             process, each holding one connection, by bench/interop/
#             memwatch.py: for ours and Pion (one process each) the
#             kernel's exact high-water mark (wait4 ru_maxrss); for Chromium,
#             whose peer is a Node driver plus a browser of several processes
#             (browser, zygotes, renderer, GPU/network/storage utilities), the
#             sum of VmRSS over the whole process tree, sampled every 0.1 s
#             (the browser-only sum and the PSS sum are printed as well);
#   CPU       user+system seconds of each process (Chromium: the whole tree),
#             for the whole life of the process, setup included.
# Rounds rotate the order of the stacks (round 1: ours, Pion, Chromium;
# round 2: Pion, Chromium, ours; ...), so machine load hits all alike; the
# table gives medians over the rounds. Then the issue's targets, each printed
# as met or NOT met: our goodput >= 3x Pion's and >= 5x Chromium's, our setup
# time <= Pion's, our peak memory per connection < Pion's (offer and answer
# side each).
#
# By default the script prepares everything from the repository root:
# tools/setup --bench (Go and Debian's Pion sources), interop/chromium/
# setup.sh (Debian chromium, Node, playwright-core), `bazel build -c opt
# //examples/cli` (with --symlink_prefix=/ so the shared bazel-bin link is
# left alone) and interop/pion/build.sh. The sh_test in BUILD.bazel instead
# hands in prebuilt peers:
#   --ours=BIN --pion-build=interop/pion/build.sh --chromium-cli=cli.js
#   --no-setup
# Exit status: 0 when every stack completed at least one round (targets not
# met do not fail the script), 1 otherwise.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BYTES="${BYTES:-50000000}"
REPS="${REPS:-3}"
TIMEOUT=180
STACKS="ours,pion,chromium"
OURS=""
PION=""
PION_BUILD=""
CHROMIUM_CLI=""
SETUP=1
for a in "$@"; do
  case "$a" in
    --bytes=*) BYTES="${a#*=}" ;;
    --reps=*) REPS="${a#*=}" ;;
    --timeout=*) TIMEOUT="${a#*=}" ;;
    --stacks=*) STACKS="${a#*=}" ;;
    --ours=*) OURS="${a#*=}" ;;
    --pion=*) PION="${a#*=}" ;;
    --pion-build=*) PION_BUILD="${a#*=}" ;;
    --chromium-cli=*) CHROMIUM_CLI="${a#*=}" ;;
    --no-setup) SETUP=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "side_by_side: unknown option $a (see --help)" >&2; exit 2 ;;
  esac
done
case "$BYTES$REPS$TIMEOUT" in *[!0-9]*) echo "side_by_side: --bytes, --reps and --timeout take integers" >&2; exit 2 ;; esac
[ "$REPS" -ge 1 ] || { echo "side_by_side: --reps must be >= 1" >&2; exit 2; }
IFS=, read -r -a STACK_LIST <<<"$STACKS"
for s in "${STACK_LIST[@]}"; do
  case "$s" in ours|pion|chromium) ;; *) echo "side_by_side: unknown stack $s" >&2; exit 2 ;; esac
done
has_stack() { [[ ",$STACKS," == *",$1,"* ]]; }

WORK="$(mktemp -d "${TEST_TMPDIR:-${TMPDIR:-/tmp}}/side_by_side.XXXXXX")"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
die() { echo "side_by_side: $*" >&2; exit 1; }
log() { echo "side_by_side: $*" >&2; }

# ------------------------------------------------------------ preparation
if [ "$SETUP" = 1 ]; then
  ROOT="$(cd "$HERE/../.." && pwd)"
  cd "$ROOT" || die "cannot cd to $ROOT"
  tools/setup --bench >&2 || die "tools/setup --bench failed"
  if has_stack chromium; then
    interop/chromium/setup.sh >&2 || die "interop/chromium/setup.sh failed"
  fi
  if has_stack ours && [ -z "$OURS" ]; then
    log "bazel build -c opt //examples/cli"
    bazel build -c opt --symlink_prefix=/ //examples/cli >&2 \
      || die "bazel build -c opt //examples/cli failed"
    OURS="$(bazel info -c opt bazel-bin 2>/dev/null)/examples/cli/cli"
  fi
  [ -n "$PION$PION_BUILD" ] || PION_BUILD="$ROOT/interop/pion/build.sh"
  [ -n "$CHROMIUM_CLI" ] || CHROMIUM_CLI="$ROOT/interop/chromium/cli.js"
  # Reuse Go's build cache between runs (build.sh would use a fresh one).
  export GOCACHE="${GOCACHE:-$(go env GOCACHE 2>/dev/null || echo "$WORK/gocache")}"
fi
if has_stack pion && [ -z "$PION" ]; then
  [ -f "$PION_BUILD" ] || die "no Pion peer: pass --pion=BIN or --pion-build=build.sh"
  export GOCACHE="${GOCACHE:-$WORK/gocache}"
  log "building the Pion peer (interop/pion/build.sh)"
  bash "$PION_BUILD" "$WORK/pioncli" "$WORK/gobuild" >&2 || die "building the Pion peer failed"
  PION="$WORK/pioncli"
fi
if has_stack ours; then [ -x "$OURS" ] || die "our peer missing: ${OURS:-(none; pass --ours=BIN)}"; fi
if has_stack pion; then [ -x "$PION" ] || die "Pion peer missing: $PION"; fi
if has_stack chromium; then
  [ -f "$CHROMIUM_CLI" ] || die "Chromium peer missing: ${CHROMIUM_CLI:-(none; pass --chromium-cli=cli.js)}"
  # Runfiles are symlinks into the checkout, whose node_modules holds
  # playwright-core (interop/chromium/setup.sh).
  CHROMIUM_CLI="$(readlink -f "$CHROMIUM_CLI")"
  [ -d "$(dirname "$CHROMIUM_CLI")/node_modules/playwright-core" ] \
    || die "no playwright-core next to $CHROMIUM_CLI: run interop/chromium/setup.sh"
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing: run interop/chromium/setup.sh"
  command -v node >/dev/null || die "node missing: run interop/chromium/setup.sh"
  if [ -n "${TEST_TMPDIR:-}" ]; then
    # Chromium and Node want a writable HOME; a Bazel test may have none.
    export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
      XDG_CACHE_HOME="$WORK/home/.cache"
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
  fi
fi

peer_cmd() {  # stack -> the command line before the contract's flags
  case "$1" in
    ours) echo "$OURS" ;;
    pion) echo "$PION" ;;
    chromium) echo "node $CHROMIUM_CLI --chromium-ice=loopback" ;;
  esac
}
stack_name() {
  case "$1" in ours) echo "ours (simrtc)" ;; pion) echo "Pion v3" ;; chromium) echo "Chromium" ;; esac
}
memval() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -1; }

# ------------------------------------------------------------ one pair
# run_pair stack round: appends one line to $WORK/results.tsv
#   stack round ok setup mbps offer_kb answer_kb offer_cpu answer_cpu load
#     offer_browser_kb answer_browser_kb offer_pss_kb answer_pss_kb procs
run_pair() {
  local stack="$1" round="$2"
  local tag="r$round-$stack" cmd load
  local alog="$WORK/$tag.answer.log" amem="$WORK/$tag.answer.mem"
  local oout="$WORK/$tag.offer.out" oerr="$WORK/$tag.offer.err" omem="$WORK/$tag.offer.mem"
  read -r -a cmd <<<"$(peer_cmd "$stack")"
  load=$(cut -d' ' -f1 /proc/loadavg)
  python3 "$HERE/memwatch.py" --out "$amem" --timeout $((TIMEOUT + 60)) -- \
    "${cmd[@]}" --role answer --port 0 --mode bench --timeout $((TIMEOUT + 30)) \
    >"$alog" 2>&1 &
  local apid=$!
  PIDS+=("$apid")
  local port=""
  for _ in $(seq 600); do
    port=$(sed -n 's/^LISTENING 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$alog" 2>/dev/null | head -1)
    [ -n "$port" ] && break
    kill -0 "$apid" 2>/dev/null || break
    sleep 0.1
  done
  local ok=1 why=""
  if [ -z "$port" ]; then
    ok=0; why="answerer did not listen"
  else
    python3 "$HERE/memwatch.py" --out "$omem" --timeout $((TIMEOUT + 30)) -- \
      "${cmd[@]}" --role offer --port "$port" --mode bench --bytes "$BYTES" \
      --timeout "$TIMEOUT" >"$oout" 2>"$oerr"
    local orc=$?
    [ "$orc" = 0 ] || { ok=0; why="offerer exited $orc"; }
  fi
  if [ "$ok" = 0 ]; then kill "$apid" 2>/dev/null; fi
  wait "$apid" || { [ "$ok" = 0 ] || { ok=0; why="answerer exited non-zero"; }; }
  local setup mbps
  setup=$(sed -n 's/^SETUP seconds=\([0-9.]*\)$/\1/p' "$oout" 2>/dev/null | head -1)
  mbps=$(sed -n "s/^BENCH bytes=$BYTES seconds=[0-9.]* MBps=\([0-9.]*\)\$/\1/p" "$oout" 2>/dev/null | head -1)
  if [ "$ok" = 1 ] && { [ -z "$setup" ] || [ -z "$mbps" ]; }; then
    ok=0; why="no SETUP/BENCH line"
  fi
  if [ "$ok" = 0 ]; then
    log "round $round $stack FAILED: $why"
    { echo "--- offerer stdout"; cat "$oout"; echo "--- offerer stderr"; tail -20 "$oerr"
      echo "--- answerer"; tail -20 "$alog"; } 2>/dev/null | sed 's/^/    /' >&2
  fi
  local okb akb obkb abkb opss apss procs
  if [ "$stack" = chromium ]; then
    okb=$(memval "$omem" tree_rss_peak_kb); akb=$(memval "$amem" tree_rss_peak_kb)
    obkb=$(memval "$omem" child_rss_peak_kb); abkb=$(memval "$amem" child_rss_peak_kb)
  else
    okb=$(memval "$omem" maxrss_kb); akb=$(memval "$amem" maxrss_kb)
    obkb="$okb"; abkb="$akb"
  fi
  opss=$(memval "$omem" tree_pss_peak_kb); apss=$(memval "$amem" tree_pss_peak_kb)
  procs=$(memval "$omem" procs_peak)
  local ocpu acpu
  ocpu=$(awk -v u="$(memval "$omem" cpu_user_s)" -v s="$(memval "$omem" cpu_sys_s)" 'BEGIN{printf "%.2f", u+s}')
  acpu=$(awk -v u="$(memval "$amem" cpu_user_s)" -v s="$(memval "$amem" cpu_sys_s)" 'BEGIN{printf "%.2f", u+s}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$stack" "$round" "$ok" "${setup:--}" "${mbps:--}" "${okb:--}" "${akb:--}" \
    "$ocpu" "$acpu" "$load" "${obkb:--}" "${abkb:--}" "${opss:--}" "${apss:--}" \
    "${procs:--}" >>"$WORK/results.tsv"
  printf 'round %d %-9s load %-5s setup %-6s s  goodput %-7s MB/s  peak RSS offer %s / answer %s kB  CPU offer %s / answer %s s%s\n' \
    "$round" "$stack" "$load" "${setup:--}" "${mbps:--}" "${okb:--}" "${akb:--}" "$ocpu" "$acpu" \
    "$([ "$ok" = 1 ] || echo "  FAILED: $why")"
}

# ------------------------------------------------------------ the rounds
echo "side-by-side data channels on loopback: $BYTES bytes in 16 KiB messages," \
  "buffered amount <= 1 MiB, $REPS rounds, stacks: $STACKS"
echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
  "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
has_stack pion && echo "Pion: Debian golang-github-pion-webrtc.v3-dev $(dpkg-query -W -f='${Version}' golang-github-pion-webrtc.v3-dev 2>/dev/null), $(go version 2>/dev/null | cut -d' ' -f3)"
has_stack chromium && echo "Chromium: $(/usr/bin/chromium --version 2>/dev/null), node $(node --version)"
: >"$WORK/results.tsv"
n=${#STACK_LIST[@]}
for ((r = 1; r <= REPS; r++)); do
  for ((i = 0; i < n; i++)); do
    run_pair "${STACK_LIST[$(((r - 1 + i) % n))]}" "$r"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------ the table
python3 - "$WORK/results.tsv" "$STACKS" <<'PY'
import statistics, sys
path, stacks = sys.argv[1], sys.argv[2].split(",")
names = {"ours": "ours (simrtc)", "pion": "Pion v3", "chromium": "Chromium"}
rows = {}
for line in open(path):
    f = line.rstrip("\n").split("\t")
    if f[2] != "1":
        rows.setdefault(f[0], {"ok": [], "failed": 0})["failed"] += 1
        continue
    rows.setdefault(f[0], {"ok": [], "failed": 0})["ok"].append(f)

def med(stack, col, scale=1.0):
    vals = [float(f[col]) / scale for f in rows.get(stack, {"ok": []})["ok"] if f[col] != "-"]
    return statistics.median(vals) if vals else None

def fmt(v, spec):
    return "-" if v is None else format(v, spec)

print()
print("| stack | goodput MB/s | setup s | offer peak RSS MB | answer peak RSS MB "
      "| offer CPU s | answer CPU s | rounds ok |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
m = {}
for s in stacks:
    r = rows.get(s, {"ok": [], "failed": 0})
    m[s] = dict(mbps=med(s, 4), setup=med(s, 3), offer=med(s, 5, 1024), answer=med(s, 6, 1024),
                ocpu=med(s, 7), acpu=med(s, 8))
    print("| %s | %s | %s | %s | %s | %s | %s | %d/%d |" % (
        names[s], fmt(m[s]["mbps"], ".1f"), fmt(m[s]["setup"], ".3f"),
        fmt(m[s]["offer"], ".1f"), fmt(m[s]["answer"], ".1f"),
        fmt(m[s]["ocpu"], ".2f"), fmt(m[s]["acpu"], ".2f"),
        len(r["ok"]), len(r["ok"]) + r["failed"]))
print()
print("Medians over the rounds. MB/s = 10^6 payload bytes per second; RSS MB = 2^20 bytes.")
print("Memory: ours and Pion are one process per peer, exact kernel peak (wait4 ru_maxrss).")
if "chromium" in stacks and rows.get("chromium", {"ok": []})["ok"]:
    print("Chromium is several processes per peer: its figures are the sampled (0.1 s) peak of")
    print("the SUM of VmRSS over the whole tree, the Node/Playwright driver included; without")
    print("the driver (browser processes only) offer %s / answer %s MB; PSS sum (shared pages"
          % (fmt(med("chromium", 10, 1024), ".1f"), fmt(med("chromium", 11, 1024), ".1f")))
    print("split between processes) offer %s / answer %s MB; up to %s processes per peer."
          % (fmt(med("chromium", 12, 1024), ".1f"), fmt(med("chromium", 13, 1024), ".1f"),
             fmt(med("chromium", 14), ".0f")))
print()
print("Per round (goodput MB/s):")
for s in stacks:
    vals = ["%s" % f[4] for f in rows.get(s, {"ok": []})["ok"]]
    print("  %-14s %s" % (names[s], " ".join(vals) if vals else "-"))

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b

def verdict(ok):
    return "n/a (a stack has no result)" if ok is None else ("met" if ok else "NOT met")

print()
print("Targets (ours against the others, this run):")
o, p, c = m.get("ours"), m.get("pion"), m.get("chromium")
if o and p:
    x = ratio(o["mbps"], p["mbps"])
    print("  goodput ours/Pion     = %s  (target >= 3x): %s"
          % (fmt(x, ".2f") + "x" if x is not None else "-", verdict(None if x is None else x >= 3)))
if o and c:
    x = ratio(o["mbps"], c["mbps"])
    print("  goodput ours/Chromium = %s  (target >= 5x): %s"
          % (fmt(x, ".2f") + "x" if x is not None else "-", verdict(None if x is None else x >= 5)))
if o and p:
    x = ratio(o["setup"], p["setup"])
    print("  setup ours/Pion       = %s  (target <= 1x): %s"
          % (fmt(x, ".2f") + "x" if x is not None else "-", verdict(None if x is None else x <= 1)))
    xo, xa = ratio(o["offer"], p["offer"]), ratio(o["answer"], p["answer"])
    ok = None if xo is None or xa is None else (xo < 1 and xa < 1)
    print("  memory ours/Pion      = offer %s, answer %s  (target < 1x each): %s"
          % (fmt(xo, ".2f") + "x" if xo is not None else "-",
             fmt(xa, ".2f") + "x" if xa is not None else "-", verdict(ok)))
missing = [s for s in stacks if not rows.get(s, {"ok": []})["ok"]]
if missing:
    print("FAILED: no successful round for: " + ", ".join(missing))
    sys.exit(1)
PY
