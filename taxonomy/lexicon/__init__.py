"""matcha's own lexicon: Swedish (``sv_*.tsv``) and English (``en_*.tsv``) terms mapped to ESCO URIs, per sector,
as TSV project data.

Each line: ``svenska termer (|-separerade) <TAB> ESCO English preferred label <TAB> ESCO URI``.
The first Swedish term is the concept's Swedish label; the rest are synonyms and common forms. The files
``sv_skills_cv_*.tsv`` hold the phrasings CVs and ads use ("köra motviktstruck", "ta emot leveranser"): all their
terms are synonyms, never a concept's Swedish label. The English files (``en_skills_cv_*.tsv``) do the same for
English CVs and ads ("order picking", "fault finding"): ESCO's own English labels stay the preferred ones; those of
``en_skills_cv_said_*.tsv`` are no label vectors (``SAID``). Lines starting with ``#`` are comments. ``matcha
taxonomy resolve-lexicon`` fills in and checks the URI column.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from taxonomy.model import Taxonomy

log = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).parent


@dataclass
class LexiconRow:
    terms: list[str]
    en_label: str
    uri: str
    file: str
    kind: str  # "skill" | "occupation"

    @property
    def lang(self) -> str:
        """The terms' language: the file name's prefix (``sv_``, ``en_``)."""
        return self.file[:2]

    @property
    def said(self) -> bool:
        """Terms that are no label vectors (a ``SAID`` file): ``Taxonomy.said_only``."""
        return self.file.startswith(SAID)

    @property
    def phrasings(self) -> bool:
        """Terms that are never the concept's label: a ``PHRASINGS`` file, or English (ESCO has English labels)."""
        return self.file.startswith(PHRASINGS) or self.lang != "sv"


PHRASINGS = "sv_skills_cv_"
# English CV phrasings that are no label vectors: matched where a text says them (and through their words: word
# grounding, the words that lead action phrases), never linked by similarity. For terms added after the skills'
# labels had settled: a new label vector draws similarity links from lines well beyond the term's own.
SAID = "en_skills_cv_said_"


def lexicon_files(folder: Path = LEXICON_DIR) -> list[Path]:
    return sorted(folder.glob("sv_*.tsv")) + sorted(folder.glob("en_*.tsv"))


def _kind_of(path: Path) -> str:
    return "occupation" if path.name[3:].startswith("occupations") else "skill"


def read_lexicon(folder: Path = LEXICON_DIR) -> list[LexiconRow]:
    rows = []
    for path in lexicon_files(folder):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            terms = [t.strip() for t in parts[0].split("|") if t.strip()]
            en_label = parts[1].strip() if len(parts) > 1 else ""
            uri = parts[2].strip() if len(parts) > 2 else ""
            if terms:
                rows.append(LexiconRow(terms, en_label, uri, path.name, _kind_of(path)))
    return rows


def lexicon_hash(folder: Path = LEXICON_DIR) -> str:
    digest = hashlib.sha256()
    from taxonomy.esco_swedish import DATA_FILE
    from taxonomy.label_audit import DATA_FILE as UNMATCHED_FILE

    for path in (*lexicon_files(folder), DATA_FILE, UNMATCHED_FILE):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def apply_lexicon(taxonomy: Taxonomy, rows: list[LexiconRow]) -> int:
    """Add the lexicon's terms to the taxonomy's concepts, in each row's language; returns how many rows applied."""
    applied = 0
    for row in rows:
        concept = taxonomy.get(row.uri)
        if concept is None:
            continue
        for i, term in enumerate(row.terms):
            concept.add_label(row.lang, term, preferred=(i == 0 and not row.phrasings))
            if row.said:
                taxonomy.said_only.add((row.uri, row.lang, term.casefold()))
        applied += 1
    missing = len(rows) - applied
    if missing:
        log.warning("%d lexicon rows name URIs that are not in taxonomy %s", missing, taxonomy.name)
    return applied


def lexicon_stats(rows: list[LexiconRow]) -> dict[str, int]:
    return {"skills": len({r.uri for r in rows if r.kind == "skill" and r.uri}),
            "occupations": len({r.uri for r in rows if r.kind == "occupation" and r.uri}),
            "terms": sum(len(r.terms) for r in rows), "rows": len(rows),
            "unresolved": sum(1 for r in rows if not r.uri)}
