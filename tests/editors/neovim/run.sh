#!/usr/bin/env bash
# Runs test.lua in headless Neovim (Debian's neovim, 0.7.2 on bookworm; installed when missing)
# on a fresh copy of examples/cargo-15023, with the venv's cargo-lens first on PATH.
#
#   CARGO_LENS_SERVER        the cargo-lens executable (default: <repo>/.venv/bin/cargo-lens)
#   CARGO_LENS_ARTIFACTS     where nvim.log goes (default: tests/editors/artifacts) under neovim/
#   CARGO_LENS_NVIM_TIMEOUT  seconds (default 120)
#
# Exit status: nvim's (0 pass, 1 fail, 124 timeout); 77 when neovim cannot be installed here.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
SERVER="${CARGO_LENS_SERVER:-$REPO/.venv/bin/cargo-lens}"
ARTIFACTS="${CARGO_LENS_ARTIFACTS:-$REPO/tests/editors/artifacts}/neovim"
TIMEOUT="${CARGO_LENS_NVIM_TIMEOUT:-120}"

unavailable() { printf '[nvim-setup] UNAVAILABLE: %s\n' "$*" >&2; exit 77; }

if ! command -v nvim >/dev/null; then
    command -v apt-get >/dev/null || unavailable "no nvim and no apt-get to install it"
    [ "$(id -u)" = 0 ] || unavailable "no nvim, and not root to apt-get install neovim"
    echo "[nvim-setup] apt-get install neovim" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || unavailable "apt-get update failed (no network to the Debian registry?)"
    apt-get install -y -qq neovim >&2 || unavailable "apt-get install neovim failed"
fi
version="$(nvim --version | head -n1)"
case "$version" in
    "NVIM v0.7."* | "NVIM v0.8."* | "NVIM v0.9."* | "NVIM v0.1"[0-9]*) ;;
    *) unavailable "needs Neovim 0.7 or newer, found: $version" ;;
esac
[ -x "$SERVER" ] || { echo "no cargo-lens at $SERVER (create the venv first)" >&2; exit 1; }

mkdir -p "$ARTIFACTS"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/cargo-lens-nvim-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
ws="$tmp/cargo-15023"
cp -r "$REPO/examples/cargo-15023" "$ws"
# no Cargo.toml above the copy (cargo's root discovery would find it)
d="$tmp"
while [ "$d" != / ]; do
    [ ! -e "$d/Cargo.toml" ] || { echo "$d/Cargo.toml is above the example copy" >&2; exit 1; }
    d="$(dirname "$d")"
done

echo "[nvim] $version; workspace $ws" >&2
cd "$ws"
status=0
PATH="$(dirname "$SERVER"):$PATH" \
    CARGO_LENS_SERVER="$SERVER" \
    CARGO_LENS_NVIM_CONFIG="$HERE/cargo_lens.lua" \
    XDG_CONFIG_HOME="$tmp/xdg-config" XDG_DATA_HOME="$tmp/xdg-data" XDG_STATE_HOME="$tmp/xdg-state" \
    XDG_CACHE_HOME="$tmp/xdg-cache" NVIM_LOG_FILE="$ARTIFACTS/nvim-internal.log" \
    timeout -k 10 "$TIMEOUT" nvim --headless --clean -c "luafile $HERE/test.lua" </dev/null \
    > >(tee "$ARTIFACTS/nvim.log") 2> >(tee "$ARTIFACTS/nvim.stderr.log" >&2) || status=$?
cp "$ws/Cargo.toml" "$ARTIFACTS/root-Cargo.toml.after" 2>/dev/null || true
[ -f "$tmp/xdg-state/nvim/lsp.log" ] && cp "$tmp/xdg-state/nvim/lsp.log" "$ARTIFACTS/lsp.log"
[ -f "$tmp/xdg-cache/nvim/lsp.log" ] && cp "$tmp/xdg-cache/nvim/lsp.log" "$ARTIFACTS/lsp.log"
if [ "$status" = 124 ]; then echo "FAIL: nvim did not finish within ${TIMEOUT}s" >&2; fi
exit "$status"
