#!/usr/bin/env bash
# Set up (idempotent), then extract the competence profile of the bundled sample CVs (Swedish and English).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for cv in examples/cv_sv_svetsare.txt examples/cv_en_nurse.txt; do
  echo "== matcha extract $cv"
  .venv/bin/matcha extract "$cv"
done
echo "== matcha occupations 'CNC-operatör' 'Undersköterska' 'Registered nurse'"
.venv/bin/matcha occupations "CNC-operatör" "Undersköterska" "Registered nurse" --top 3
