#!/usr/bin/env bash
# `make demo-cli`: set up (idempotent), extract the bundled sample CVs (Swedish and English), then load the demo ads into a fresh
# demo store and show each CV's ranked, explained matches and an ad's anonymised candidates.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for cv in examples/cv_sv_svetsare.txt examples/cv_en_nurse.txt; do
  echo "== matcha extract $cv"
  .venv/bin/matcha extract "$cv"
done
echo "== matcha occupations 'CNC-operatör' 'Undersköterska' 'Registered nurse'"
.venv/bin/matcha occupations "CNC-operatör" "Undersköterska" "Registered nurse" --top 3
export MATCHA_DATA_DIR="${MATCHA_DEMO_DIR:-$HOME/.matcha/demo-cli}"
rm -rf "$MATCHA_DATA_DIR"
echo "== matcha ads add examples/ads   (demo store: $MATCHA_DATA_DIR)"
.venv/bin/matcha ads add examples/ads >/dev/null
.venv/bin/matcha cvs add examples/cv_sv_svetsare.txt --municipality Örebro >/dev/null
.venv/bin/matcha cvs add examples/cv_en_nurse.txt --municipality Västerås >/dev/null
echo "== matcha match 1 --top 3   (the Swedish welder CV)"
.venv/bin/matcha match 1 --top 3
echo "== matcha match 2 --top 3 --kind traineeship   (the English nurse CV)"
.venv/bin/matcha match 2 --top 3 --kind traineeship
