#!/usr/bin/env bash
# The web page is tested in Debian's chromium (Playwright's own browser download does not work offline).
# Installs it when absent and this user may (root, or passwordless sudo); otherwise says the web tests will skip.
set -uo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: no chromium and no apt-get: the web page tests will be skipped" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "note: no chromium (apt-get install -y chromium needs root): the web page tests will be skipped" >&2
    exit 0
  fi
fi
echo "installing chromium for the web page tests ..." >&2
$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
