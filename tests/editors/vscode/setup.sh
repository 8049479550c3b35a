#!/usr/bin/env bash
# Install what the VS Code end-to-end test needs, from the npm registry only, into
# build/vscode/ (git-ignored; re-runs are no-ops once the stamp files exist):
#   - code-server 4.100.3 (= VS Code 1.100.3; the newest release whose engines.node is 20)
#   - playwright-core (drives Debian's /usr/bin/chromium; no browser download)
# Usage: tests/editors/vscode/setup.sh            (from anywhere; prints what it did)
# Exit 0 when everything is in place; otherwise exit 1 with the reason on stderr and in
# build/vscode/unavailable.txt, which the test prints as its skip reason.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
CODE_SERVER_VERSION=4.100.3
RIPGREP_PACKAGE=@vscode/ripgrep-linux-x64@1.18.0
cache=$repo/build/vscode
mkdir -p "$cache/tmp" "$cache/tarballs"
rm -f "$cache/unavailable.txt"
unavailable() { echo "$1" | tee "$cache/unavailable.txt" >&2; exit 1; }
command -v node >/dev/null || unavailable "node is not installed"
command -v npm >/dev/null || unavailable "npm is not installed"
[ -x /usr/bin/chromium ] || unavailable "/usr/bin/chromium is not installed (apt-get install chromium)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || unavailable "code-server $CODE_SERVER_VERSION needs Node 20, found $(node --version)"

# playwright-core: the browser is Debian's, so no download happens (PLAYWRIGHT_SKIP...).
e2e=$repo/tests/editors/vscode
if [ ! -f "$e2e/node_modules/.installed" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.installed" ]; then
  (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) ||
    unavailable "npm could not install playwright-core"
  touch "$e2e/node_modules/.installed"
fi

cs=$cache/code-server-$CODE_SERVER_VERSION
if [ ! -f "$cs/.installed" ]; then
  start=$(date +%s)
  (cd "$cache/tarballs" && { [ -f code-server-$CODE_SERVER_VERSION.tgz ] ||
    npm pack --silent code-server@$CODE_SERVER_VERSION >/dev/null; }) ||
    unavailable "npm could not fetch code-server@$CODE_SERVER_VERSION"
  # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache in $TMPDIR has
  # it: seed the cache from the same Microsoft-built binary shipped on npm.
  rg_cache=$cache/tmp/vscode-ripgrep-cache-1.15.11
  rg_tar=$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
  if [ ! -f "$rg_tar" ]; then
    rgx=$cache/tarballs/rgx
    rm -rf "$rgx" && mkdir -p "$rgx" "$rg_cache"
    (cd "$cache/tarballs" && npm pack --silent "$RIPGREP_PACKAGE" >/dev/null &&
      tar xzf vscode-ripgrep-linux-x64-*.tgz -C "$rgx") ||
      unavailable "npm could not fetch $RIPGREP_PACKAGE"
    tar czf "$rg_tar" -C "$rgx/package/bin" rg
  fi
  rm -rf "$cs" && mkdir -p "$cs"
  echo '{"name":"djvet-code-server","private":true}' > "$cs/package.json"
  # unsafe_perm: running as root, npm would otherwise drop privileges for the build
  # scripts of code-server's native modules (they need libkrb5-dev and pkg-config).
  (cd "$cs" && TMPDIR=$cache/tmp npm_config_yes=true npm_config_unsafe_perm=true \
    npm_config_nodedir=${npm_config_nodedir:-/usr} \
    npm install --no-audit --no-fund --foreground-scripts \
      "$cache/tarballs/code-server-$CODE_SERVER_VERSION.tgz" > "$cache/code-server-install.log" 2>&1) ||
    { tail -30 "$cache/code-server-install.log" >&2;
      unavailable "npm could not install code-server $CODE_SERVER_VERSION (see build/vscode/code-server-install.log)"; }
  "$cs/node_modules/.bin/code-server" --version >/dev/null 2>&1 ||
    unavailable "code-server $CODE_SERVER_VERSION was installed but does not run"
  touch "$cs/.installed"
  echo "code-server $CODE_SERVER_VERSION installed in $(( $(date +%s) - start )) s"
fi
echo "code-server: $cs/node_modules/.bin/code-server ($("$cs/node_modules/.bin/code-server" --version | head -1))"
