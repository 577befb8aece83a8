#!/usr/bin/env bash
# Installs everything chokutsu needs on a fresh Debian machine: system packages, then npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium runs the browser tests (test/web/); fonts-noto-cjk shows Japanese in it.
APT_PACKAGES=(python3 make g++ sip-tester sox espeak-ng chromium fonts-noto-cjk)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

npm install --no-audit --no-fund

# The browser app, served by `chokutsu start` at / (web/dist).
npm run build:web
