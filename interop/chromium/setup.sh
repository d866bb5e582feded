#!/usr/bin/env bash
# Installs what interop/chromium/cli.js needs; idempotent (a second run only
# checks). As root, or with sudo for apt-get.
#   - Debian package chromium (/usr/bin/chromium): the browser under test.
#     Playwright's own browser download is never used.
#   - Node.js >= 18 and npm: when `node` is missing or older than 18, Debian's
#     nodejs (bookworm: 18.20) is installed, and Debian's npm (9.2) when `npm`
#     is missing. A Node 20 from elsewhere (e.g. NodeSource, which bundles
#     npm) is left alone.
#   - node_modules/playwright-core at the version package-lock.json pins
#     (1.61.1: the newest playwright-core whose engines allow Node 18;
#     1.62 and later need Node 20), by `npm ci` from the npm registry when it
#     is absent or a different version.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  echo "setup.sh: installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "$@"
}
installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

packages=()
if [ ! -x /usr/bin/chromium ] || ! installed chromium; then
  packages+=(chromium)
fi
node_major=0
if command -v node >/dev/null 2>&1; then
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
fi
if [ "$node_major" -lt 18 ]; then
  packages+=(nodejs)
fi
if ! command -v npm >/dev/null 2>&1; then
  packages+=(npm)
fi
if [ ${#packages[@]} -gt 0 ]; then
  apt_install "${packages[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || { echo "setup.sh: Node.js $(node --version) is older than 18" >&2; exit 1; }

want=$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch (e) { "" }')
if [ "$have" != "$want" ]; then
  echo "setup.sh: npm ci (playwright-core $want) in $(pwd)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
echo "setup.sh: chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), node $(node --version), playwright-core $want"
