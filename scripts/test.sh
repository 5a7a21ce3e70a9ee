#!/usr/bin/env bash
# Set up (idempotent; with Debian's chromium for the web page tests) and run the tests. pytest's exit code 5 (no test collected) is a failure here.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
bash scripts/browser.sh || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "error: pytest collected no tests (exit 5)" >&2
  exit 1
fi
exit "$rc"
