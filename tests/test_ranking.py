"""The re-ranking score on a small hand-made taxonomy (no model): exact, related and missing skills, occupation
proximity, language and licence requirements, and the weights."""

from __future__ import annotations

import numpy as np
import pytest

from index.cards import ConceptVectors
from extractor.label_index import LabelIndex
from index.rerank import Ranker
from core.ranking_weights import RankingWeights
from store.records import MatchCard
from taxonomy.model import Concept, Taxonomy

S = "http://example.org/skill/"
O = "http://example.org/occupation/"


@pytest.fixture()
def taxonomy() -> Taxonomy:
    concepts = {
        S + "mig": Concept(S + "mig", "skill", {"en": "MIG welding"}, broader=["weld"]),
        S + "tig": Concept(S + "tig", "skill", {"en": "TIG welding"}, broader=["weld"]),
        S + "drawings": Concept(S + "drawings", "skill", {"en": "read drawings"}, broader=["read"]),
        S + "forklift": Concept(S + "forklift", "skill", {"en": "operate forklift"}, broader=["drive"]),
        S + "safety": Concept(S + "safety", "skill", {"en": "workshop safety"}, broader=["other"]),
        O + "welder": Concept(O + "welder", "occupation", {"en": "welder"}),
        O + "plater": Concept(O + "plater", "occupation", {"en": "plater"}),
        O + "cook": Concept(O + "cook", "occupation", {"en": "cook"}),
    }
    relations = {O + "welder": {"essential": [S + "safety"], "optional": []}}
    return Taxonomy("tiny", "1", "test", concepts=concepts, relations=relations)


def _ranker(taxonomy: Taxonomy, **weights) -> Ranker:  # noqa: ANN003
    entries = taxonomy.label_entries("occupation")
    vectors = {O + "welder": [1.0, 0.0, 0.0], O + "plater": [0.8, 0.6, 0.0], O + "cook": [0.0, 0.0, 1.0]}
    index = LabelIndex(entries, np.array([vectors[e.uri] for e in entries], dtype=np.float32))
    return Ranker(taxonomy, ConceptVectors(index), RankingWeights(**weights))


def test_exact_related_and_missing_skills(taxonomy):
    ranker = _ranker(taxonomy)
    ad = MatchCard(essential=[S + "mig", S + "drawings"], optional=[S + "forklift"], occupations=[O + "welder"])
    cv = MatchCard(essential=[S + "tig", S + "drawings"], occupations=[O + "plater"])
    scored = ranker.score(1, ad, cv, semantic=0.5)
    relations = {c.uri: (c.relation, c.via) for c in scored.coverage}
    assert relations == {S + "mig": ("related", S + "tig"), S + "drawings": ("exact", S + "drawings"),
                         S + "forklift": ("missing", None)}
    assert scored.parts["essential"] == pytest.approx((0.5 + 1.0) / 2)
    assert scored.parts["optional"] == 0.0
    assert scored.parts["occupation"] == pytest.approx(0.8)  # welder vs plater: cosine of their label vectors
    expected = (0.3 * 0.5 + 0.4 * 0.75 + 0.1 * 0.0 + 0.2 * 0.8) / 1.0
    assert scored.score == pytest.approx(expected, abs=1e-4)


def test_parts_that_do_not_apply_leave_the_weights(taxonomy):
    ranker = _ranker(taxonomy)
    ad = MatchCard(essential=[S + "mig"])
    scored = ranker.score(1, ad, MatchCard(essential=[S + "mig"]), semantic=1.0)
    assert set(scored.parts) == {"semantic", "essential"} and scored.score == pytest.approx(1.0)
    heavier = _ranker(taxonomy, essential=0.9, semantic=0.1).score(1, ad, MatchCard(), semantic=1.0)
    assert heavier.score == pytest.approx(0.1)


def test_occupation_skill_relations_count_as_related(taxonomy):
    ranker = _ranker(taxonomy)
    ad = MatchCard(essential=[S + "safety"])
    welder = ranker.score(1, ad, MatchCard(occupations=[O + "welder"]), semantic=0.0)
    cook = ranker.score(2, ad, MatchCard(occupations=[O + "cook"]), semantic=0.0)
    assert welder.coverage[0].relation == "related" and welder.coverage[0].via == O + "welder"
    assert cook.coverage[0].relation == "missing"


def test_language_and_licence_requirements(taxonomy):
    ranker = _ranker(taxonomy, unmet_factor=0.5)
    ad = MatchCard(essential=[S + "mig"], languages={"sv": "B2"}, licences=["B", "truckkort"])
    strong = MatchCard(essential=[S + "mig"], languages={"sv": "C1"}, licences=["CE", "truckkort"])
    weak = MatchCard(essential=[S + "mig"], languages={"sv": "A2"}, licences=["truckkort"])
    assert ranker.score(1, ad, strong, 1.0).unmet == []  # CE includes B
    scored = ranker.score(2, ad, weak, 1.0)
    assert scored.unmet == ["language sv B2: the CV states A2", "licence B: not in the CV"]
    assert scored.parts["requirements_factor"] == 0.25
    assert scored.score == pytest.approx(ranker.score(1, ad, strong, 1.0).score * 0.25)
