# Shared by the Chromium interop tests: checks Chromium, Node >= 18 and
# playwright-core are there (failing, never skipping, when not) and sets
# PEER to a runnable interop/chromium/cli.js: the checkout's when its
# node_modules holds the pinned playwright-core, else a copy in $TMP after
# `npm ci`. Source after lib.sh; call locate_chromium_peer CLI_RUNFILE.
locate_chromium_peer() {
  local CLI="$1"
  [ -f "$CLI" ] || fail "peer missing: $CLI"
  RUNDIR="$(dirname "$CLI")"

  # Chromium and npm want a writable HOME; a Bazel test may have none.
  export HOME="$TMP/home" TMPDIR="$TMP" XDG_CONFIG_HOME="$TMP/home/.config" \
    XDG_CACHE_HOME="$TMP/home/.cache"
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

  SETUP_HINT="run interop/chromium/setup.sh (Debian chromium, nodejs, npm; npm ci)"
  [ -x /usr/bin/chromium ] || fail "/usr/bin/chromium missing: $SETUP_HINT"
  command -v node >/dev/null || fail "node missing: $SETUP_HINT"
  NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
  [ "$NODE_MAJOR" -ge 18 ] || fail "Node.js $(node --version) is older than 18: $SETUP_HINT"

  lock_version() {  # dir
    node -p 'require(require("path").resolve(process.argv[1], "package-lock.json"))
               .packages["node_modules/playwright-core"].version' "$1"
  }
  have_version() {  # dir
    node -p 'try { require(require("path").resolve(process.argv[1],
               "node_modules/playwright-core/package.json")).version } catch (e) { "none" }' "$1"
  }
  WANT=$(lock_version "$RUNDIR") || fail "cannot read $RUNDIR/package-lock.json"
  CHECKOUT="$(dirname "$(readlink -f "$CLI")")"
  if [ "$(have_version "$CHECKOUT")" = "$WANT" ]; then
    PEER="$CHECKOUT/cli.js"
    echo "peer: $PEER (playwright-core $WANT from the checkout)"
  else
    PEER_DIR="$TMP/chromium-peer"
    mkdir -p "$PEER_DIR"
    for f in cli.js page.js package.json package-lock.json; do
      cp -L "$RUNDIR/$f" "$PEER_DIR/$f" || fail "runfile $RUNDIR/$f missing"
    done
    echo "peer: $CHECKOUT has no node_modules with playwright-core $WANT; npm ci into $PEER_DIR"
    (cd "$PEER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 240 npm ci --no-audit \
       --no-fund --cache "$TMP/npm-cache") >"$TMP/npm.log" 2>&1 \
      || { cat "$TMP/npm.log" >&2; fail "npm ci failed (log above): $SETUP_HINT"; }
    PEER="$PEER_DIR/cli.js"
  fi
  echo "chromium: $(/usr/bin/chromium --version 2>/dev/null), node: $(node --version)"
}
