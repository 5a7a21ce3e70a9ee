"""Skill ranking fused from two models (MATCHA_SKILL_FUSION_MODEL, multilingual-e5-small, beside the main
all-MiniLM): both models' parts are computed for every candidate, and the fusion weight moves the ranking from
one model's to the other's."""

import numpy as np
import pytest

from extractor.concept_ranking import ConceptRanker, SkillWeights

SENTENCES = ["Experience caring for elderly patients in a nursing home",
             "Competent with developing multithreaded scalable concurrent applications.",
             "You will plan the weekly menu and order fresh produce from our suppliers.",
             "Knowledge of Kubernetes and cloud infrastructure is a plus.",
             "Iron shirts and fold towels in the hotel laundry."]


class SecondModelAsMain:
    """The real resources, seen with the fusion model in the main model's place (as MATCHA_MODEL would make it,
    without embedding the Swedish labels again)."""

    def __init__(self, resources) -> None:
        self.settings, self.phrases, self.skill_fusion = resources.settings, resources.phrases, None
        self._second = resources.skill_fusion

    def skill_model(self, descriptions: bool = True):
        return self._second if descriptions else type(self._second)(self._second.encoder, self._second.labels, None)


@pytest.fixture(scope="module")
def fused(resources):
    if resources.skill_fusion is None:
        pytest.skip("no second model for skill ranking (MATCHA_SKILL_FUSION_MODEL)")
    return ConceptRanker(resources).skill_candidates(SENTENCES, k=10, fusion=True)


def _ranked(hits):
    return [(hit.uri, round(hit.score, 5)) for hit in hits]


def test_weight_0_ranks_as_the_main_model_and_weight_1_as_the_second(resources, fused):
    main = ConceptRanker(resources).rank_skills(SENTENCES, k=10, weights=SkillWeights(fusion=0.0))
    second = ConceptRanker(SecondModelAsMain(resources)).rank_skills(SENTENCES, k=10, weights=SkillWeights())
    assert [_ranked(c.top(SkillWeights(fusion=0.0), 10)) for c in fused] == [_ranked(hits) for hits in main]
    assert [_ranked(c.top(SkillWeights(fusion=1.0), 10)) for c in fused] == [_ranked(hits) for hits in second]
    assert main != second  # two models, two rankings


def test_fused_score_is_the_weighted_sum_of_both_models_exact_similarities(resources, fused):
    second = resources.skill_fusion
    assert second.encoder is not resources.encoder and second.encoder.name == "multilingual-e5-small"
    weights = SkillWeights(fusion=0.25)
    text, candidates = SENTENCES[2], fused[2]
    vector = second.encoder.encode([text])[0]
    for j, uri in enumerate(candidates.uris[:12]):
        # the second model's label part: its similarity to the concept's best English label, embedded here anew
        labels = [e.text for e in second.labels.entries if e.uri == uri and e.lang == "en"]
        assert candidates.models[1].label[j] == pytest.approx(
            float(np.max(second.encoder.encode(labels) @ vector)), abs=2e-3)  # the cache holds float16
    bonus = np.where(candidates.preferred, weights.preferred_bonus,
                     np.where(candidates.other, weights.other_bonus, 0.0))
    main, other = (parts.scores(weights, bonus) for parts in candidates.models)
    assert np.allclose(candidates.scores(weights), 0.75 * main + 0.25 * other, atol=1e-5)
    # the union of both models' candidates: some come from one model's searches only
    found = [parts.found for parts in candidates.models]
    assert (found[0] & ~found[1]).any() and (found[1] & ~found[0]).any()


def test_fusion_takes_the_second_models_view_where_it_outweighs_the_main_models(resources, fused):
    """Ironing is named in the laundry sentence: all-MiniLM ranks *iron textiles* below collecting laundry, e5
    puts it first, and at the shipped weight (0.75) the fusion follows e5 there."""
    def top5(weight):
        hits = fused[-1].top(SkillWeights(fusion=weight), 5)
        return [resources.taxonomy.get(hit.uri).label("en") for hit in hits]

    main, fusion, second = top5(0.0), top5(0.75), top5(1.0)
    assert main[0] != "iron textiles" and "iron textiles" in main
    assert second[0] == fusion[0] == "iron textiles"
    assert set(fusion) != set(main)
