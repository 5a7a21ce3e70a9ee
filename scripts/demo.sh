#!/usr/bin/env bash
# `make demo`: set up (idempotent), then start the service and web page on a fresh demo store with the demo ads
# (Swedish and English), the two demo CVs and one token per role, printed with the URL. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/matcha serve --demo --host "${MATCHA_DEMO_HOST:-127.0.0.1}" --port "${MATCHA_DEMO_PORT:-8000}"
