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
    ranker = _ranker(taxonomy, semantic=0.3, essential=0.4, optional=0.1, occupation=0.2,
                     coverage_prior_weight=0)  # plain shares (shrinking: tested below)
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
    ranker = _ranker(taxonomy, coverage_prior_weight=0)
    ad = MatchCard(essential=[S + "mig"])
    scored = ranker.score(1, ad, MatchCard(essential=[S + "mig"]), semantic=1.0)
    assert set(scored.parts) == {"semantic", "essential"} and scored.score == pytest.approx(1.0)
    heavier = _ranker(taxonomy, essential=0.9, semantic=0.1, coverage_prior_weight=0).score(
        1, ad, MatchCard(), semantic=1.0)
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
    assert scored.score == pytest.approx(ranker.score(1, ad, strong, 1.0).score * 0.25, abs=1e-4)


def test_few_requirements_are_shrunk_towards_the_prior(taxonomy):
    ranker = _ranker(taxonomy, coverage_prior=0.3, coverage_prior_weight=2.0)
    cv = MatchCard(essential=[S + "mig", S + "drawings", S + "forklift", S + "tig"])
    thin = ranker.score(1, MatchCard(essential=[S + "mig"]), cv, semantic=0.0)
    full = ranker.score(2, MatchCard(essential=[S + "mig", S + "drawings", S + "forklift", S + "tig"]), cv, 0.0)
    assert thin.parts["essential"] == pytest.approx((1 + 2 * 0.3) / (1 + 2), abs=1e-4)
    assert full.parts["essential"] == pytest.approx((4 + 2 * 0.3) / (4 + 2), abs=1e-4)
    assert full.parts["essential"] > thin.parts["essential"]
    # Nothing met: the prior still lifts it above 0, less so the more requirements the ad states.
    empty = ranker.score(3, MatchCard(essential=[S + "mig"]), MatchCard(), 0.0)
    assert empty.parts["essential"] == pytest.approx(0.6 / 3, abs=1e-4)


def test_requirements_count_by_specificity(taxonomy):
    ranker = _ranker(taxonomy, coverage_prior_weight=0)
    ad = MatchCard(essential=[S + "mig", S + "safety"])
    cv = MatchCard(essential=[S + "safety"])  # has only the common one
    specific = {S + "mig": 1.0, S + "safety": 0.1}.get
    assert ranker.score(1, ad, cv, 0.0).parts["essential"] == pytest.approx(0.5)
    assert ranker.score(1, ad, cv, 0.0, weigh=specific).parts["essential"] == pytest.approx(0.1 / 1.1, abs=1e-4)


def test_languages_are_gates_not_coverage():
    concepts = {S + "mig": Concept(S + "mig", "skill", {"en": "MIG welding"}, broader=["weld"]),
                S + "swedish": Concept(S + "swedish", "skill", {"en": "Swedish"}, broader=["T1.1", "L1"]),
                O + "welder": Concept(O + "welder", "occupation", {"en": "welder"})}
    taxonomy = Taxonomy("tiny", "1", "test", concepts=concepts)
    ranker = _ranker(taxonomy, coverage_prior_weight=0)
    ad = MatchCard(essential=[S + "swedish"], languages={"sv": "B1"})
    speaker = ranker.score(1, ad, MatchCard(essential=[S + "swedish"], languages={"sv": "C2"}), 0.4)
    assert "essential" not in speaker.parts and speaker.coverage == []  # the language fills no coverage
    mute = ranker.score(2, ad, MatchCard(languages={"en": "C2"}), 0.4)
    assert mute.unmet == ["language sv B1: not in the CV"] and mute.score < speaker.score


def test_fused_rank_is_a_part(taxonomy):
    ranker = _ranker(taxonomy, fused=0.5, semantic=0.5, coverage_prior_weight=0)
    scored = ranker.score(1, MatchCard(), MatchCard(), semantic=0.2, fused=0.8)
    assert scored.parts == {"semantic": 0.2, "fused": 0.8} and scored.score == pytest.approx(0.5)


def test_reciprocal_rank_fusion_by_hand_and_ties_share_a_rank():
    from index.fusion import best_possible, reciprocal_rank_fusion

    fused = reciprocal_rank_fusion({"a": [(1, 0.9), (2, 0.8)], "b": [(2, 5.0), (3, 4.0)]}, {"a": 1.0, "b": 2.0},
                                   k=10)
    assert fused == pytest.approx({1: 1 / 11, 2: 1 / 12 + 2 / 11, 3: 2 / 12})
    assert best_possible({"a": 1.0, "b": 2.0}, ["a", "b"], k=10) == pytest.approx(3 / 11)
    twins = reciprocal_rank_fusion({"a": [(7, 0.5), (8, 0.5), (9, 0.1)]}, {}, k=10)
    assert twins[7] == twins[8] == pytest.approx(1 / 11) and twins[9] == pytest.approx(1 / 13)
    assert reciprocal_rank_fusion({"a": [(1, 1.0)]}, {"a": 0.0}) == {}
