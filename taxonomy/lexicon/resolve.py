"""Fill in and check the URI column of the lexicon files against a taxonomy (maintenance tool).

An English label resolves to a URI by exact preferred label, then exact alternative label, then (reported
for review) the nearest label embedding above ``min_score``. The canonical ESCO preferred label is written back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.encoders import Encoder
from taxonomy.lexicon import LEXICON_DIR, _kind_of, lexicon_files
from taxonomy.model import Taxonomy

log = logging.getLogger(__name__)


@dataclass
class Resolution:
    file: str
    en_label: str
    uri: str
    label: str
    how: str  # "preferred" | "alt" | "nearest" | "unresolved"
    score: float = 1.0


def _exact_maps(taxonomy: Taxonomy, kind: str) -> tuple[dict[str, str], dict[str, str]]:
    preferred, alt = {}, {}
    for concept in taxonomy.of_kind(kind):  # type: ignore[arg-type]
        preferred.setdefault(concept.label("en").lower(), concept.uri)
        for label in concept.alt_labels.get("en", []):
            alt.setdefault(label.lower(), concept.uri)
    return preferred, alt


def resolve_lexicon(taxonomy: Taxonomy, encoder: Encoder, folder: Path = LEXICON_DIR,
                    min_score: float = 0.80, write: bool = True) -> list[Resolution]:
    results: list[Resolution] = []
    for path in lexicon_files(folder):
        kind = _kind_of(path)
        preferred, alt = _exact_maps(taxonomy, kind)
        concepts = [c for c in taxonomy.of_kind(kind)]  # type: ignore[arg-type]
        lines = path.read_text(encoding="utf-8").splitlines()
        pending: list[tuple[int, str]] = []
        out = list(lines)
        for i, line in enumerate(lines):
            if not line.strip() or line.startswith("#"):
                continue
            parts = (line.split("\t") + ["", ""])[:3]
            en = parts[1].strip()
            uri = preferred.get(en.lower()) or alt.get(en.lower())
            if uri:
                how = "preferred" if en.lower() in preferred else "alt"
                concept = taxonomy.concepts[uri]
                out[i] = "\t".join([parts[0], concept.label("en"), uri])
                results.append(Resolution(path.name, en, uri, concept.label("en"), how))
            else:
                pending.append((i, en))
        if pending:
            label_vectors = encoder.encode([c.label("en") for c in concepts])
            query_vectors = encoder.encode([en for _, en in pending])
            scores = query_vectors @ label_vectors.T
            for (i, en), row in zip(pending, scores):
                best = int(np.argmax(row))
                parts = (lines[i].split("\t") + ["", ""])[:3]
                if row[best] >= min_score:
                    concept = concepts[best]
                    out[i] = "\t".join([parts[0], concept.label("en"), concept.uri])
                    results.append(Resolution(path.name, en, concept.uri, concept.label("en"), "nearest",
                                              float(row[best])))
                else:
                    out[i] = "\t".join([parts[0], en, ""])
                    results.append(Resolution(path.name, en, "", concepts[best].label("en"), "unresolved",
                                              float(row[best])))
        if write:
            path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return results
