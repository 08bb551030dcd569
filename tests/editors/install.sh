#!/usr/bin/env bash
# Installs everything the real-editor tests need, for .ci/run (the tests install it themselves too):
# Debian's neovim, chromium, ripgrep and build headers (apt-get, as root), then code-server 4.100.3
# and playwright-core (npm) into the cache (vscode/setup.sh). Idempotent and fast when all is there.
# Exit status 77 when something cannot be installed here, with the reason on stderr.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

APT_PACKAGES=(neovim chromium ripgrep libkrb5-dev build-essential python3 ca-certificates)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
    unavailable() { printf '[editors-install] UNAVAILABLE: %s\n' "$*" >&2; exit 77; }
    command -v apt-get >/dev/null || unavailable "no apt-get to install: ${missing[*]}"
    [ "$(id -u)" = 0 ] || unavailable "not root, cannot apt-get install: ${missing[*]}"
    echo "[editors-install] apt-get install ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || unavailable "apt-get update failed"
    apt-get install -y -qq "${missing[@]}" >/dev/null \
        || unavailable "apt-get install ${missing[*]} failed"
fi
bash "$HERE/vscode/setup.sh" >/dev/null
