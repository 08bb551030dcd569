#!/usr/bin/env bash
# Installs what the VS Code test needs: Debian's chromium, ripgrep and the headers code-server's
# native modules build against, then code-server 4.100.3 and playwright-core (npm, Node 20) into a
# cache directory. Idempotent: a second run with a complete cache checks it and returns at once.
#
#   CARGO_LENS_EDITORS_CACHE   the cache (default ~/.cache/cargo-lens-editors)
#
# Prints the node project directory (the one holding node_modules/) as its last line.
# Exit status: 0 ready; 77 a tool cannot be installed here (not root, no apt-get, wrong Node,
# a registry unreachable), with the reason on stderr; anything else is a bug.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_CORE_VERSION=1.65.1
RIPGREP_CACHE_VERSION=1.15.11 # @vscode/ripgrep in code-server 4.100.3
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

CACHE="${CARGO_LENS_EDITORS_CACHE:-$HOME/.cache/cargo-lens-editors}"
DIR="$CACHE/vscode-code-server-$CODE_SERVER_VERSION-playwright-$PLAYWRIGHT_CORE_VERSION"
STAMP="$DIR/.complete"

log() { printf '[vscode-setup] %s\n' "$*" >&2; }
unavailable() { printf '[vscode-setup] UNAVAILABLE: %s\n' "$*" >&2; exit 77; }

# -- Debian packages ----------------------------------------------------------------------------
# chromium: the browser playwright-core drives; ripgrep: stands in for @vscode/ripgrep's download;
# libkrb5-dev: the kerberos module builds from source; build-essential + python3: node-gyp.
APT_PACKAGES=(chromium ripgrep libkrb5-dev build-essential python3 ca-certificates)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    command -v apt-get >/dev/null || unavailable "no apt-get to install: ${missing[*]}"
    [ "$(id -u)" = 0 ] || unavailable "not root, cannot apt-get install: ${missing[*]}"
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || unavailable "apt-get update failed (no network to the Debian registry?)"
    apt-get install -y -qq "${missing[@]}" >&2 \
        || unavailable "apt-get install ${missing[*]} failed"
fi

# -- Node 20 ------------------------------------------------------------------------------------
command -v node >/dev/null || unavailable "node not found (code-server $CODE_SERVER_VERSION needs Node 20)"
command -v npm >/dev/null || unavailable "npm not found"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || unavailable "code-server $CODE_SERVER_VERSION needs Node 20, found $(node --version)"

# -- the cache ----------------------------------------------------------------------------------
check_install() {
    local cs="$DIR/node_modules/code-server"
    local vs="$cs/lib/vscode/node_modules"
    [ -x "$DIR/node_modules/.bin/code-server" ] || return 1
    [ -f "$DIR/node_modules/playwright-core/package.json" ] || return 1
    # what the install scripts build or fetch: if npm skipped them, these are missing
    [ -f "$DIR/node_modules/argon2/lib/binding/napi-v3/argon2.node" ] || return 1
    [ -f "$vs/node-pty/build/Release/pty.node" ] || return 1
    [ -f "$vs/kerberos/build/Release/kerberos.node" ] || return 1
    [ -x "$vs/@vscode/ripgrep/bin/rg" ] || return 1
    [ -e "$cs/lib/vscode/node_modules.asar" ] || return 1
    local v
    v="$(cd "$DIR" && XDG_CONFIG_HOME="$DIR/.xdg-config" node_modules/.bin/code-server --version 2>/dev/null | tail -n1)"
    case "$v" in "$CODE_SERVER_VERSION "*) return 0 ;; *) return 1 ;; esac
}

if [ -f "$STAMP" ] && check_install; then
    log "cached: $DIR"
    echo "$DIR"
    exit 0
fi

log "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_CORE_VERSION into $DIR"
rm -rf "$DIR"
mkdir -p "$DIR"

# @vscode/ripgrep downloads rg from GitHub unless its cache already holds the asset: hand it
# Debian's rg (the machines reach only the package registries).
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_CACHE_VERSION"
mkdir -p "$RG_CACHE"
if [ ! -s "$RG_CACHE/$RIPGREP_ASSET" ]; then
    tar -czf "$RG_CACHE/$RIPGREP_ASSET.tmp" -C "$(dirname "$(command -v rg)")" rg
    mv "$RG_CACHE/$RIPGREP_ASSET.tmp" "$RG_CACHE/$RIPGREP_ASSET"
fi

# allowScripts: npm 11 lists install scripts not yet approved (and later releases block them);
# code-server's postinstall installs VS Code's own modules, argon2's builds its binding.
cat >"$DIR/package.json" <<EOF
{
  "name": "cargo-lens-editor-tests",
  "private": true,
  "version": "0.0.0",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  },
  "allowScripts": {
    "code-server": true,
    "argon2": true
  }
}
EOF

export npm_config_unsafe_perm=true # code-server's postinstall refuses root otherwise
export npm_config_yes=true         # node-pty runs `npx node-gyp`; this machine's npmrc says yes=false
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
cd "$DIR"
if ! npm install --no-audit --no-fund >&2; then
    # a network failure to the npm registry is "unavailable"; anything else is a real failure
    if ! npm ping >/dev/null 2>&1; then
        unavailable "the npm registry is unreachable"
    fi
    log "npm install failed"
    exit 1
fi
if ! check_install; then
    # an npm that skipped the install scripts: run them now
    log "install scripts did not run (or not fully): npm rebuild code-server argon2"
    npm install-scripts approve --no-allow-scripts-pin code-server argon2 >&2 || true
    npm rebuild argon2 code-server >&2 || true
fi
check_install || { log "code-server install incomplete in $DIR"; exit 1; }
rm -rf "$DIR/.xdg-config"
touch "$STAMP"
log "ready: $DIR"
echo "$DIR"
