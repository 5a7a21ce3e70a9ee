"""Linking an English phrase: its nearest skills in both models, re-ranked by label and description similarity
(``extractor.link_ranking``); the link threshold still applies to the main model's label similarity."""

from types import SimpleNamespace

import numpy as np
import pytest

from extractor.label_index import DESCRIPTION
from extractor.link_ranking import POOL, LinkRanker

PHRASE = "Plan the weekly lunch menu together with the head chef"


@pytest.fixture(scope="module")
def fused(resources):
    if resources.skill_fusion is None:
        pytest.skip("no second model for skill ranking (MATCHA_SKILL_FUSION_MODEL)")
    return LinkRanker(resources)


def test_the_skill_a_phrase_names_comes_first_not_the_nearest_label(resources, fused):
    vector = resources.encoder.encode([PHRASE])
    nearest = resources.skill_index.search(vector, k=1, languages=("en",))[0][0]
    ranked = fused.rank([PHRASE], vector)[0]
    assert resources.taxonomy.get(nearest.uri).label("en") != "plan menus"  # a label about meals is nearer
    assert ranked[0].label == "plan menus"
    # Both models' pools, each concept once; scores are the main model's label similarity (the threshold's scale).
    assert POOL < len(ranked) <= 2 * POOL and len({h.uri for h in ranked}) == len(ranked)
    expected = resources.skill_index.similarities(vector, [h.uri for h in ranked], languages=("en",))[0]
    assert np.allclose([h.score for h in ranked], expected, atol=1e-5)


def test_without_a_second_model_the_main_model_orders_its_own_pool(resources):
    settings = resources.settings.model_copy(update={"skill_fusion_weight": 0.0})
    alone = LinkRanker(SimpleNamespace(settings=settings, skill_fusion=resources.skill_fusion,
                                       skill_model=resources.skill_model, taxonomy=resources.taxonomy))
    vector = resources.encoder.encode([PHRASE])
    ranked = alone.rank([PHRASE], vector)[0]
    uris = [h.uri for h in ranked]
    assert len(uris) == POOL  # the second model adds no candidate
    model = resources.skill_model()
    fused = (model.labels.similarities(vector, uris, languages=("en",))[0]
             + settings.skill_description_weight * model.descriptions.similarities(vector, uris, (DESCRIPTION,))[0])
    assert list(fused) == sorted(fused, reverse=True)


def test_an_english_cv_links_the_phrase_to_the_skills_it_names(extractor):
    text = ("Warehouse work\n2019-2023 Lager AB, Malmö\nUnloaded trucks and containers.\n"
            "Picked orders with a hand scanner.\n")
    profile = extractor.extract_text(text)
    phrase = "Unloaded trucks and containers"
    line = (text.index(phrase), text.index(phrase) + len(phrase))
    linked = {s.label for s in profile.skills for e in s.evidence if line[0] <= e.start < line[1]}
    # Before the re-ranking this line also gave *load bulk trucks* and *apply techniques for stacking goods into
    # containers*: the nearest labels share its words, not its sense.
    assert "unload cargo" in linked and all("unload" in label for label in linked), linked


def test_an_english_phrase_names_at_most_skill_links_skills(resources):
    # MATCHA_SKILL_LINKS caps how many of a phrase's nearest skills it may name by embedding; the keep model then
    # decides which stay. The cap is the reader's, so Swedish text keeps its own.
    import copy
    from collections import Counter
    from dataclasses import replace

    from extractor.pipeline import CompetenceExtractor

    text = ("Experience\n2019-2023 Office assistant, Byrå AB\nPrepared weekly staff schedules and handled supplier "
            "invoices. Answered customer questions by phone and e-mail.\n")
    links = {}
    for cap in (1, 4):
        capped = copy.copy(resources)
        capped.english = replace(resources.english, skill_links=cap)
        draft = CompetenceExtractor(capped).draft(text)
        links[cap] = Counter((e.start, e.end) for c in draft.candidates if c.method == "embedding"
                             for e in c.evidence)
    assert links[1] and max(links[1].values()) == 1
    assert max(links[4].values()) <= 4 and sum(links[4].values()) > sum(links[1].values())
    assert resources.other.skill_links == 2
