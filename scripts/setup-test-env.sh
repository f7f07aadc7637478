#!/usr/bin/env bash
# Prepares this machine to run the extension inside a real VS Code, offline.
# Idempotent: a second run only checks and prints "ok". Safe for CI (root, no stdin).
#
# Why code-server: @vscode/test-electron downloads VS Code from the update server, which is
# unreachable here. The npm package code-server@4.100.3 ships VS Code 1.100.3's own server
# (lib/vscode/out/server-main.js) with the Node extension host; Debian's chromium drives it.
# See the shared notes on running real VS Code offline (real-vscode-tests.md) for the facts this script relies on.
set -Eeuo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this cache tarball.
RIPGREP_CACHE_DIR=vscode-ripgrep-cache-1.15.11
RIPGREP_TAG=v13.0.0-10

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$REPO/.vscode-test/code-server"
PKG="$PREFIX/node_modules/code-server"
STAMP="$PREFIX/.installed-$CODE_SERVER_VERSION"

say() { printf '[setup-test-env] %s\n' "$*"; }
die() { printf '[setup-test-env] ERROR: %s\n' "$*" >&2; exit 1; }
trap 'die "command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

started=$SECONDS

# --- 1. Debian packages -------------------------------------------------------------------
# chromium drives the workbench; libkrb5-dev provides gssapi/gssapi.h for code-server's
# `kerberos` native module; ripgrep gives us an rg binary to seed @vscode/ripgrep's cache.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)

if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: ${missing[*]}"
    SUDO=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt/dpkg (unattended upgrades, a colleague's install) instead of failing.
  apt_wait=(-o DPkg::Lock::Timeout=600)
  "${SUDO[@]}" apt-get "${apt_wait[@]}" update -q || die "apt-get update failed: is Debian's package mirror reachable?"
  "${SUDO[@]}" apt-get "${apt_wait[@]}" install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed (see apt's output above)"
else
  say "ok: chromium, libkrb5-dev, ripgrep already installed"
fi

# --- 2. code-server into .vscode-test/code-server (its own npm prefix) ----------------------
installed_version() {
  node -p "require('$PKG/package.json').version" 2>/dev/null || true
}

if [[ -f "$STAMP" && "$(installed_version)" == "$CODE_SERVER_VERSION" \
      && -f "$PKG/lib/vscode/out/server-main.js" ]]; then
  say "ok: code-server@$CODE_SERVER_VERSION already installed in ${PREFIX#"$REPO"/}"
else
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [[ $node_major == 20 ]] || say "warning: code-server@$CODE_SERVER_VERSION expects Node 20, this is $(node -v)"

  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) die "no ripgrep cache name known for $(uname -m); extend the case in this script" ;;
  esac

  say "installing code-server@$CODE_SERVER_VERSION into ${PREFIX#"$REPO"/} (cold: ~2 min, ~300 MB)"
  # Start clean: a half-finished install (e.g. a failed postinstall) must not look installed.
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX/tmp"
  # A package.json of its own so npm never walks up into the project's package.json/lock.
  printf '{ "name": "mask-inspector-vscode-server", "private": true }\n' >"$PREFIX/package.json"

  # Seed the ripgrep download cache from Debian's rg, under a TMPDIR the install also sees.
  export TMPDIR="$PREFIX/tmp"
  mkdir -p "$TMPDIR/$RIPGREP_CACHE_DIR"
  tar czf "$TMPDIR/$RIPGREP_CACHE_DIR/ripgrep-$RIPGREP_TAG-$rg_target.tar.gz" -C "$(dirname "$(command -v rg)")" rg

  # npm_config_yes: node-pty's postinstall runs `npx node-gyp`, which otherwise waits for a "y".
  # --unsafe-perm: as root, code-server's postinstall exits without it (npm 11 warns it is
  # unknown, yet it still matters). PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: no browser downloads.
  log="$PREFIX/install.log"
  if ! (cd "$PREFIX" \
        && npm_config_yes=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
           npm install --unsafe-perm --no-audit --no-fund \
             "code-server@$CODE_SERVER_VERSION" 2>&1 | tee "$log"); then
    die "npm install code-server@$CODE_SERVER_VERSION failed; full log: $log
  common causes: no route to the npm registry; a GitHub download in a postinstall
  (look for ENOTFOUND/ECONNREFUSED in the log); missing gssapi headers (libkrb5-dev)."
  fi
  [[ "$(installed_version)" == "$CODE_SERVER_VERSION" && -f "$PKG/lib/vscode/out/server-main.js" ]] \
    || die "npm finished but $PKG/lib/vscode/out/server-main.js is missing; see $log"
  # The server spawns rg for search; make sure the postinstall really produced one.
  [[ -x "$PKG/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]] \
    || say "warning: @vscode/ripgrep/bin/rg not found inside VS Code; workspace search may fail"
  rm -rf "$TMPDIR"
  touch "$STAMP"
  say "installed code-server@$CODE_SERVER_VERSION"
fi

say "done in $((SECONDS - started)) s. Run: npm run test:integration"
