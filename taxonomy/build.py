"""Set-up step: build a taxonomy from a source, overlay the Swedish lexicon, save it in matcha's format."""

from __future__ import annotations

import logging
from pathlib import Path

from taxonomy.lexicon import apply_lexicon, lexicon_hash, read_lexicon
from taxonomy.model import Taxonomy
from taxonomy.sources.esco_csv import import_esco_csv
from taxonomy.sources.registry_packages import build_from_packages
from taxonomy.store import save_taxonomy

log = logging.getLogger(__name__)


def with_lexicon(taxonomy: Taxonomy) -> Taxonomy:
    rows = read_lexicon()
    applied = apply_lexicon(taxonomy, rows)
    taxonomy.lexicon_hash = lexicon_hash()
    log.info("applied %d of %d Swedish lexicon rows", applied, len(rows))
    return taxonomy


def build_taxonomy(target: Path, cache: Path, esco_csv: Path | None = None) -> Taxonomy:
    base = import_esco_csv(esco_csv) if esco_csv else build_from_packages(cache)
    taxonomy = with_lexicon(base)
    save_taxonomy(taxonomy, target)
    return taxonomy
