#!/usr/bin/env bash
# Installs everything chokutsu needs on a fresh Debian machine: system packages, then npm packages.
# Safe to run again. --dry-run prints what it would run instead of running it; --bench adds the
# peers the media benchmarks measure against (rtpengine) and tcpdump (bench/media-plane.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

run() { if [ "$DRY_RUN" = 1 ]; then echo "would run: $*"; else "$@"; fi; }
DRY_RUN=0
BENCH=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY_RUN=1 ;;
    --bench) BENCH=1 ;;
    *) echo "usage: scripts/setup.sh [--dry-run] [--bench]" >&2; exit 2 ;;
  esac
done

# chromium runs the browser tests (test/web/); fonts-noto-cjk shows Japanese in it.
APT_PACKAGES=(python3 make g++ sip-tester sox espeak-ng chromium fonts-noto-cjk)
[ "$BENCH" = 1 ] && APT_PACKAGES+=(rtpengine-daemon tcpdump)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  run $SUDO apt-get update -q
  run $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm ci installs exactly what package-lock.json says and never rewrites it (it fails when the
# lockfile is out of step with package.json). It deletes node_modules first, so a node_modules
# that is a link to an install shared with other checkouts is left alone.
if [ -L node_modules ]; then
  echo "node_modules is a link to a shared install ($(readlink node_modules)): not reinstalling"
elif [ -f package-lock.json ]; then
  run npm ci --no-audit --no-fund
else
  run npm install --no-audit --no-fund
fi

# The browser app, served by `chokutsu start` at / (web/dist).
run npm run build:web
