"""Profiles -> match cards -> vectors.

A document's vector is built from its taxonomy concepts, not from its raw text: the weighted mean of the
embeddings of the English preferred labels of its skills and occupations. So a Swedish CV and an English ad meet
in one space, and nothing but competences (no name, no origin) can reach the vector. Only a document in which no
concept was found falls back to the embedding of its (masked) text.

Concepts are weighted by how specific they are in the collection (index.specificity): a concept most documents
name counts little (in re-ranking: the stored vectors, used for retrieval, stay unweighted so that they do not
depend on when a document was written). Languages and required licences are gates checked by re-ranking (met or
not), not competences: a skill found only where a language, or a licence an ad requires, is stated ("Svenska",
"B-körkort krävs") stays off the card's skills."""

from __future__ import annotations

from typing import Callable

import numpy as np

from extractor.profile import CompetenceProfile, ConceptMatch, Evidence
from extractor.requirements import required, split_requirements
from extractor.label_index import LabelIndex
from store.records import MatchCard

# Weights of the parts of a document vector.
_SKILL_SHARE, _OCCUPATION_SHARE, _OPTIONAL_WEIGHT = 0.6, 0.4, 0.5


def _overlaps(evidence: Evidence, spans: list[Evidence]) -> bool:
    return any(evidence.start < other.end and other.start < evidence.end for other in spans)


def competences(profile: CompetenceProfile, required_licences: bool = False) -> list[ConceptMatch]:
    """The profile's skills, shown and possible (a CV's less certain ones tell its field too), less those found only
    inside a stated language (or, for an ad, inside a licence it requires): those are gates, not competence. A CV's
    licence still shows competence (truckkort: operate forklift), and so does a licence an ad only calls a plus."""
    facts = [*profile.languages]
    if required_licences:
        facts += [lic for lic in profile.licences if required(lic.evidence, profile.text)]
    gates = [e for fact in facts for e in fact.evidence]
    return [s for s in (*profile.skills, *profile.possible_skills)
            if not (s.evidence and all(_overlaps(e, gates) for e in s.evidence))]


def cv_card(profile: CompetenceProfile) -> MatchCard:
    languages: dict[str, str | None] = {}
    for spoken in profile.languages:
        languages[spoken.language] = "C2" if spoken.native else spoken.cefr
    # A CV written in a language shows a working command of it, where no level is stated.
    if profile.language in ("sv", "en") and not languages.get(profile.language):
        languages[profile.language] = "B2"
    return MatchCard(essential=[s.uri for s in competences(profile)],
                     occupations=[o.uri for o in profile.occupations], languages=languages,
                     licences=[lic.code for lic in profile.licences])


def ad_card(profile: CompetenceProfile) -> MatchCard:
    essential, optional = split_requirements(profile.model_copy(update={"skills": competences(profile, True)}))
    return MatchCard(essential=essential, optional=optional, occupations=[o.uri for o in profile.occupations],
                     languages={lang.language: lang.cefr for lang in profile.languages
                                if required(lang.evidence, profile.text)},
                     licences=[lic.code for lic in profile.licences if required(lic.evidence, profile.text)])


class ConceptVectors:
    """The embedding of each concept's English preferred label, read back from the label indexes."""

    def __init__(self, *indexes: LabelIndex) -> None:
        best: dict[str, tuple[int, LabelIndex, int]] = {}
        for index in indexes:
            for row, entry in enumerate(index.entries):
                rank = 0 if entry.preferred and entry.lang == "en" else 1 if entry.preferred else 2
                if entry.uri not in best or rank < best[entry.uri][0]:
                    best[entry.uri] = (rank, index, row)
        self._rows = {uri: (index, row) for uri, (_, index, row) in best.items()}
        self.dim = indexes[0].index.d
        self._cache: dict[str, np.ndarray] = {}

    def get(self, uris: list[str]) -> np.ndarray:
        vectors = np.zeros((len(uris), self.dim), dtype=np.float32)
        for i, uri in enumerate(uris):
            if uri not in self._cache:
                found = self._rows.get(uri)
                self._cache[uri] = (found[0].index.reconstruct(found[1]) if found is not None
                                    else np.zeros(self.dim, dtype=np.float32))
            vectors[i] = self._cache[uri]
        return vectors


def _mean(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray | None:
    if len(vectors) == 0:
        return None
    mean = (vectors * weights[:, None]).sum(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm > 0 else None


def card_vector(card: MatchCard, concepts: ConceptVectors,
                weigh: Callable[[str], float] | None = None) -> np.ndarray | None:
    """Unit vector of a card's concepts (each weighted by ``weigh``, its specificity), or None if it has none."""
    skills = card.essential + card.optional
    weights = np.array([1.0] * len(card.essential) + [_OPTIONAL_WEIGHT] * len(card.optional), dtype=np.float32)
    occupation_weights = np.ones(len(card.occupations), dtype=np.float32)
    if weigh is not None:
        weights *= np.array([weigh(u) for u in skills], dtype=np.float32)
        occupation_weights *= np.array([weigh(u) for u in card.occupations], dtype=np.float32)
    skill_part = _mean(concepts.get(skills), weights)
    occupation_part = _mean(concepts.get(card.occupations), occupation_weights)
    parts = [(p, share) for p, share in ((skill_part, _SKILL_SHARE), (occupation_part, _OCCUPATION_SHARE))
             if p is not None]
    if not parts:
        return None
    vector = sum(p * share for p, share in parts)
    return (vector / np.linalg.norm(vector)).astype(np.float32)
