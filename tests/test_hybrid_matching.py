"""Hybrid matching on the real taxonomy and models: an ad whose only requirement is a language cannot win on it
(issue 13), the lexical and whole-text channels, CV to CV, and stores written before hybrid matching."""

from __future__ import annotations

import pytest

from store.records import AdIn

# A civil engineer's Swedish CV (fictional person).
ENGINEER_CV = """Samira Haddad
Vasagatan 4, 722 15 Västerås
samira.haddad@example.se | 072-555 12 34

Profil
Byggnadsingenjör med examen från Damaskus universitet och sex års erfarenhet av husbyggnad och infrastruktur.

Arbetslivserfarenhet
2013 – 2019  Platschef, byggföretag i Damaskus
- Ledde arbetet på byggarbetsplatsen med 25 anställda
- Läste och tolkade ritningar, gjorde mängdberäkningar och kalkyler
- Kontrollerade betonggjutning, armering och formsättning
- Ansvarade för arbetsmiljö och säkerhet på bygget

Utbildning
Civilingenjör, väg- och vattenbyggnad, Damaskus universitet, 2012

Språk
Arabiska – modersmål
Svenska – C1
Engelska – C1

Körkort
B
"""
CONSTRUCTION = AdIn(title="Trainee byggproduktion", employer="Mälardalens Bygg AB", kind="traineeship",
                    municipality="Västerås",
                    text="Vi söker en trainee till vår byggproduktion. Du arbetar på byggarbetsplatsen med våra "
                         "arbetsledare och platschefer: planering, ritningar, mängdberäkning och kvalitetskontroll "
                         "av betongarbeten.\n\nKrav:\n- Utbildning inom byggteknik eller väg- och vattenbyggnad\n"
                         "- Erfarenhet av att läsa ritningar\n- Svenska, goda kunskaper\n\nMeriterande:\n"
                         "- Erfarenhet från byggarbetsplats\n- B-körkort")
CHILDCARE = AdIn(title="Barnskötare till förskola", employer="Förskolan Solrosen", kind="job",
                 municipality="Västerås",
                 text="Förskolan Solrosen söker en barnskötare till en avdelning med barn 1–3 år.\n\nKrav:\n"
                      "- Svenska flytande i tal och skrift")


@pytest.fixture(scope="module")
def service(resources, tmp_path_factory):
    from matcha.ad_files import expand_paths, read_ads
    from matcha.matching import MatchingService
    from core.settings import get_settings
    from tests.test_matching import ADS

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("hybrid"),
                                                 "database_url": "",
                                                 "ranking": get_settings().ranking.model_copy()})
    svc = MatchingService(settings, resources)
    svc.add_ads([ad for path in expand_paths([ADS]) for ad in read_ads(path, svc.extractor.limits, {})])
    svc.add_ads([CONSTRUCTION, CHILDCARE])
    return svc


def _by_title(matches) -> dict:  # noqa: ANN001
    return {m.title: (rank, m) for rank, m in enumerate(matches)}


def test_a_language_requirement_alone_does_not_win(service):
    profile, _ = service.cv_profile(text=ENGINEER_CV)
    ranked = _by_title(service.match(profile=profile, k=20))
    construction_rank, construction = ranked[CONSTRUCTION.title]
    childcare_rank, childcare = ranked[CHILDCARE.title]
    assert construction_rank < childcare_rank, (construction.explanation.score_parts,
                                                childcare.explanation.score_parts)
    assert construction.score > childcare.score
    # Swedish is a gate (met: C1), not a skill that fills the childcare ad's coverage.
    assert "essential" not in childcare.explanation.score_parts
    assert not childcare.explanation.unmet_requirements
    assert all("swedish" not in s.label.lower() for s in childcare.explanation.matched_skills)
    # The construction match is explained by concepts with evidence on both sides.
    matched = construction.explanation.matched_skills
    assert matched and all(s.cv_evidence and s.ad_evidence for s in matched)
    assert {"semantic", "fused", "occupation"} <= set(construction.explanation.score_parts)


def test_channels_see_masked_text_only(service):
    cv_id = service.add_cv(text=ENGINEER_CV)
    cv = service.get_cv(cv_id)
    assert "Samira" not in cv.profile.text and "samira.haddad" not in cv.profile.text
    from index.hybrid import Query

    query = service._query("cvs", cv_id, cv.card, cv.profile)
    assert query.text == cv.profile.text and query.text_vector is not None
    lexical = service.lexical["cvs"].index()
    assert service.lexical["cvs"].search("Samira Haddad", "sv", 5) == []  # the name was never indexed
    assert cv_id in lexical.ids.tolist()
    from index.hybrid import HybridRetriever

    every_channel = service.settings.ranking.model_copy(update={"lexical_channel": 1.0, "concept_channel": 1.0,
                                                               "text_channel": 1.0})
    retriever = HybridRetriever(service.collections["ads"], service.lexical["ads"], service.collections["ads_text"],
                                every_channel)
    channels = retriever.channels(Query(query.vector, query.text, "sv", query.text_vector), 20)
    assert set(channels) == {"concept", "lexical", "text"}
    construction_id = next(a["id"] for a in service.list_ads() if a["title"] == CONSTRUCTION.title)
    assert construction_id in [i for i, _ in channels["lexical"][:3]]
    assert construction_id in [i for i, _ in channels["text"][:5]]
    service.remove_cv(cv_id)
    assert cv_id not in service.lexical["cvs"].index().ids.tolist()
    assert cv_id not in service.collections["cvs_text"].index.versions


def test_similar_cvs_excludes_itself_and_ranks_alike_first(service):
    from tests.conftest import SWEDISH_CV

    engineer = service.add_cv(text=ENGINEER_CV)
    welder = service.add_cv(text=SWEDISH_CV)
    engineer_again = service.add_cv(text=ENGINEER_CV.replace("Samira Haddad", "Lina Berg"))
    similar = service.similar_cvs(engineer, k=5)
    assert [c.cv_id for c in similar][0] == engineer_again and engineer not in [c.cv_id for c in similar]
    assert all(c.contact is None for c in similar)
    assert service.similar_cvs(10**9) is None
    for cv_id in (engineer, welder, engineer_again):
        service.remove_cv(cv_id)


def test_a_store_without_text_vectors_gets_them(service, resources, monkeypatch, caplog):
    """A store written before hybrid matching (no text_vector) is filled in at start when few documents lack one;
    with many, the start does not wait hours for them: it says so, and `matcha text-vectors` fills them in."""
    import matcha.matching as matching
    from matcha.matching import MatchingService

    with service.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ads SET text_vector = NULL")
    assert service.store.versions("ads_text") == {}
    ads = sorted(service.store.versions("ads"))
    assert service.store.ids_without("ads_text") == ads and service.store.ids_without("cvs_text") == []
    monkeypatch.setattr(matching, "BACKFILL_AT_START", len(ads) - 1)
    many = MatchingService(service.settings, resources)
    assert many.store.ids_without("ads_text") == ads and "matcha text-vectors" in caplog.text
    assert many.backfill_text_vectors() == len(ads) and many.store.ids_without("ads_text") == []
    with service.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE ads SET text_vector = NULL")
    monkeypatch.setattr(matching, "BACKFILL_AT_START", len(ads))
    restarted = MatchingService(service.settings, resources)
    assert set(restarted.store.versions("ads_text")) == set(restarted.store.versions("ads"))
    assert len(restarted.collections["ads_text"].index) == len(restarted.store.versions("ads"))


def test_an_old_store_gets_the_text_vector_column(tmp_path):
    from store.database import Store

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    with store.engine.begin() as conn:
        for table in ("ads", "cvs"):
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN text_vector")
    store.engine.dispose()
    reopened = Store(url)
    [ad_id] = reopened.add("ads", [{"title": "t", "kind": "job", "municipality": "", "profile": "{}",
                                    "card": "{}", "vector": b"\0" * 8}])
    assert reopened.versions("ads") == {ad_id: 1} and reopened.versions("ads_text") == {}
