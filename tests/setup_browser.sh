#!/bin/sh
# Install the headless browser the review page tests drive (Debian's chromium + chromedriver).
# Idempotent: exits 0 at once when both are present. Needs root (apt-get) to install.
set -eu

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

if [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "setup_browser.sh: $CHROMIUM and/or $CHROMEDRIVER are missing." >&2
    echo "Install them as root (Debian/Ubuntu):" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium chromium-driver" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
    echo "setup_browser.sh: installed chromium but $CHROMIUM or $CHROMEDRIVER is still missing." >&2
    exit 1
fi
