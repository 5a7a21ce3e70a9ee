"""Set-up step: build a taxonomy from a source and save it in matcha's format.

The saved taxonomy holds the source alone; the Swedish lexicon is project data that changes with the code, so it
is overlaid when the taxonomy is loaded (``with_lexicon``): an edited or removed lexicon row takes effect at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from taxonomy.esco_swedish import apply_esco_swedish, read_esco_swedish
from taxonomy.label_audit import apply_unmatched, read_unmatched
from taxonomy.lexicon import apply_lexicon, lexicon_hash, read_lexicon
from taxonomy.model import Taxonomy
from taxonomy.shared_labels import unmatch_shared_alternative_labels
from taxonomy.sources.esco_csv import import_esco_csv
from taxonomy.sources.registry_packages import build_from_packages
from taxonomy.store import save_taxonomy

log = logging.getLogger(__name__)


def with_lexicon(taxonomy: Taxonomy) -> Taxonomy:
    """ESCO's Swedish occupation labels (where the source has none), then matcha's Swedish lexicon: a concept's
    Swedish preferred label is ESCO's where ESCO has one, the lexicon's first term otherwise. Last, the audited
    words that are not matched in text (``taxonomy.label_audit``), and the alternative labels that are a more
    general skill's preferred label (``taxonomy.shared_labels``)."""
    apply_esco_swedish(taxonomy, read_esco_swedish())
    rows = read_lexicon()
    applied = apply_lexicon(taxonomy, rows)
    unmatched = read_unmatched()
    marked = apply_unmatched(taxonomy, unmatched)
    shared = unmatch_shared_alternative_labels(taxonomy)
    taxonomy.lexicon_hash = lexicon_hash()
    log.info("applied %d of %d Swedish lexicon rows; %d of %d audited words not matched in text; %d alternative "
             "labels that name a more general skill not matched", applied, len(rows), marked,
             len(unmatched), shared)
    return taxonomy


def build_taxonomy(target: Path, cache: Path, esco_csv: Path | None = None) -> Taxonomy:
    base = import_esco_csv(esco_csv) if esco_csv else build_from_packages(cache)
    save_taxonomy(base, target)
    return with_lexicon(base)
