"""Programmes: mentor ranking (occupation / ISCO group, skills, language, place), the cohort-wide assignment
(optimal, capacities, pins and forbidden pairs), outcomes per cohort, coordinators' ownership, erasure, bad input,
the demo and the command line. Real store, model, taxonomy and ASGI client."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from sqlalchemy import select

from tests.conftest import ROOT

WELDER = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
NURSE = "http://data.europa.eu/esco/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
MIG = "http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e"
SPECIAL_NEEDS = "http://data.europa.eu/esco/skill/248951cc-3b10-447f-a4b2-0037e6e7a9ab"

SWEDISH_NURSE_CV = """Sjuksköterska

Profil
Legitimerad sjuksköterska med sex års erfarenhet från akutsjukvård och äldreomsorg.

Erfarenhet
2019-2025 Sjuksköterska, medicinavdelning. Läkemedelshantering, omvårdnad av patienter, sårvård och
dokumentation i journalsystem.

Språk
Arabiska - modersmål
Svenska - B2
"""
SWEDISH_WELDER_CV = """Svetsare

Erfarenhet
2015-2024 Svetsare på verkstad. MIG/MAG-svetsning och TIG-svetsning, läsa ritningar.

Språk
Svenska - B1
"""


# -- the assignment solver (pure) ---------------------------------------------------------------------------------
def _brute_force(scores: np.ndarray, capacities: list[int], forbidden: set, pinned: dict) -> float:
    n, m = scores.shape
    best = -1.0
    for choice in itertools.product(range(-1, m), repeat=n):
        if any(choice[r] != c for r, c in pinned.items()):
            continue
        if any((r, c) in forbidden for r, c in enumerate(choice) if c >= 0):
            continue
        if any(choice.count(j) > capacities[j] for j in range(m)):
            continue
        best = max(best, sum(scores[r, c] for r, c in enumerate(choice) if c >= 0))
    return best


def test_assignment_is_optimal_and_respects_capacities_by_brute_force():
    from matcha.assignment import assign

    # By hand: two participants want mentor 0 (capacity 1); the best total gives it to the one who loses more
    # without it: 0.9 + 0.7 (= 1.6) beats 0.8 + 0.3 (= 1.1).
    scores = np.array([[0.9, 0.3], [0.8, 0.7]])
    assert assign(scores, [1, 1]) == [(0, 0), (1, 1)]
    assert assign(scores, [2, 0]) == [(0, 0), (1, 0)]
    assert assign(scores, [0, 0]) == []
    rng = np.random.default_rng(11)
    for _ in range(150):
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 4))
        scores = rng.random((n, m)).round(3)
        capacities = [int(c) for c in rng.integers(0, 3, m)]
        forbidden = {(r, c) for r in range(n) for c in range(m) if rng.random() < 0.25}
        pinned = {}
        if capacities[0] > 0 and (0, 0) not in forbidden and rng.random() < 0.5:
            pinned = {0: 0}
        pairs = assign(scores, capacities, pinned, forbidden)
        assert len({r for r, _ in pairs}) == len(pairs), "a participant got two mentors"
        assert all(sum(1 for _, c in pairs if c == j) <= capacities[j] for j in range(m))
        assert not set(pairs) & forbidden and all((r, c) in pairs for r, c in pinned.items())
        total = sum(scores[r, c] for r, c in pairs)
        assert total == pytest.approx(_brute_force(scores, capacities, forbidden, pinned))


def test_assignment_refuses_bad_input():
    from matcha.assignment import assign

    with pytest.raises(ValueError):
        assign(np.ones((2, 2)), [1, -1])
    with pytest.raises(ValueError):
        assign(np.ones((2, 1)), [1], pinned={0: 0, 1: 0})


def test_outcome_figures_on_a_small_cohort_by_hand():
    from matcha.outcomes import by_cohort, participant_outcomes, summarise

    groups = {"welder": "7212", "pipe welder": "7212", "nurse": "2221", "cook": "5120"}
    members = [{"cv_id": i, "cohort": cohort} for i, cohort in
               ((1, "HT25"), (2, "HT25"), (3, "HT25"), (4, "HT25"), (5, "VT26"), (6, "VT26"))]
    own = {1: ["welder"], 2: ["welder"], 3: ["welder"], 4: ["cook"], 5: ["nurse"], 6: ["nurse"]}

    def placement(pid, cv, kind, occupation=None, start="2026-01-01"):
        return {"id": pid, "cv_id": cv, "kind": kind, "employer": "X", "occupation": occupation, "start": start,
                "end": None}

    placements = [placement(1, 1, "traineeship", "welder", "2025-09-01"), placement(2, 1, "job", "welder"),
                  placement(3, 2, "job", "pipe welder"),      # same ISCO unit group: own field
                  placement(4, 3, "job", "nurse"),            # another field
                  placement(5, 4, "studies"),
                  placement(6, 5, "traineeship", "nurse")]    # 6: nothing recorded
    found = participant_outcomes(members, placements, own, lambda a, b: groups[a] == groups[b], lambda u: u)
    assert [o.outcome for o in found] == ["job", "job", "job", "studies", "traineeship", "none"]
    assert [o.own_field for o in found] == [True, True, False, None, None, None]
    ht25, vt26 = by_cohort(found)
    # HT25: 4 participants, 3 in work + 1 studying = 4/4; own field 2 of the 3 in work.
    assert (ht25.participants, ht25.in_work, ht25.in_studies, ht25.own_field) == (4, 3, 1, 2)
    assert ht25.in_work_or_studies_share == 1.0 and ht25.own_field_share == pytest.approx(0.6667, abs=1e-4)
    # VT26: one in a traineeship, one with nothing: 0 of 2; nobody in work, so no own-field share.
    assert (vt26.in_traineeship, vt26.no_outcome, vt26.in_work_or_studies_share, vt26.own_field_share) == \
        (1, 1, 0.0, None)
    total = summarise("", found)
    assert total.in_work_or_studies_share == pytest.approx(4 / 6, abs=1e-4) and total.own_field == 2
    # CSV: numbers as they are, a cell a spreadsheet would run as a formula quoted.
    from matcha.outcomes import cohorts_csv

    rows = list(csv.DictReader(io.StringIO(cohorts_csv([ht25.model_copy(update={"cohort": "=HYPERLINK(1)"})]))))
    assert rows == [{**{k: str(v) for k, v in ht25.model_dump().items()}, "cohort": "'=HYPERLINK(1)"}]


def test_isco_unit_groups_from_the_taxonomy_where_it_has_them():
    from index.isco import IscoGroups
    from taxonomy.model import Concept, Taxonomy

    taxonomy = Taxonomy("t", "1", "test", groups={"http://data.europa.eu/esco/isco/C7212": "Welders"})
    taxonomy.concepts["o1"] = Concept("o1", "occupation", {"en": "welder"},
                                      isco="http://data.europa.eu/esco/isco/C7212")
    taxonomy.concepts["o2"] = Concept("o2", "occupation", {"en": "pipe welder"}, isco="C7212")
    groups = IscoGroups(taxonomy, concepts=None, encoder=None)  # type: ignore[arg-type] - nothing to embed
    assert not groups.derived and groups.unit_group("o1") == groups.unit_group("o2") == "7212"
    assert groups.label("7212") == "Welders" and groups.unit_group("unknown") is None


def test_isco_unit_groups_derived_from_labels_in_the_default_taxonomy(resources, tmp_path):
    from index.cards import ConceptVectors
    from index.isco import IscoGroups

    groups = IscoGroups(resources.taxonomy, ConceptVectors(resources.skill_index, resources.occupation_index),
                        resources.encoder, tmp_path)
    specialist_nurse = "http://data.europa.eu/esco/occupation/18e14e61-495b-44cc-a7c6-df4c625934ba"
    assert groups.derived
    assert groups.unit_group(WELDER) == "7212" and groups.label("7212") == "Welders and flamecutters"
    assert groups.unit_group(NURSE) == groups.unit_group(specialist_nurse) == "2221"
    assert groups.unit_group(MIG) is None  # a skill has no ISCO group
    assert any(tmp_path.glob("vectors-isco-unit-groups-*.npy"))  # embedded once, then read from the cache


# -- the service, the API and the CLI -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def env(resources, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.demo import load_demo
    from core.settings import get_settings
    from matcha.matching import MatchingService
    from store.users import Users

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("programmes"),
                                                 "database_url": ""})
    service = MatchingService(settings, resources)
    tokens = load_demo(service)
    users = Users(service.store)
    participant2, tokens["participant2"] = users.add("Deltagare två", "participant")
    _, tokens["coordinator2"] = users.add("Koordinator två", "coordinator")
    client = TestClient(create_app(settings, service))
    return client, tokens, service, participant2


def auth(tokens: dict, role: str) -> dict:
    return {"Authorization": f"Bearer {tokens[role]}"}


def _programme(client, headers, name: str = "Mentorprogram", municipality: str = "Örebro") -> int:
    response = client.post("/programmes", headers=headers, json={"name": name, "municipality": municipality,
                                                                 "start": "2026-01-12", "end": "2026-06-12"})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _mentor(client, headers, programme_id: int, **fields) -> int:
    body = {"programme_id": programme_id, "name": "Mentor", "capacity": 1, **fields}
    response = client.post("/mentors", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _cv(service, owner, text: str, municipality: str = "Örebro") -> int:
    return service.add_cv(text=text, owner=owner.owner_key, municipality=municipality)


def test_demo_has_a_programme_mentors_placements_and_a_coordinator(env):
    client, tokens, _, _ = env
    me = auth(tokens, "coordinator")
    assert client.get("/me", headers=me).json()["role"] == "coordinator"
    [programme] = client.get("/programmes", headers=me).json()
    assert programme["participants"] == 2 and programme["mentors"] == 4
    assert len(client.get("/placements", headers=me).json()) == 3
    assert len(client.get(f"/programmes/{programme['id']}/ads", headers=me).json()) == 9


def test_a_swedish_nurse_gets_the_nurse_mentor_and_a_shared_language_breaks_a_tie(env):
    client, tokens, service, participant2 = env
    me = auth(tokens, "coordinator")
    programme = _programme(client, me, "Vård och industri")
    welder_mentor = _mentor(client, me, programme, name="Svetsaren", occupations=[WELDER], skills=[MIG],
                            languages=["sv"], municipality="Örebro")
    nurse_mentor = _mentor(client, me, programme, name="Sjuksköterskan", occupations=[NURSE],
                           skills=[SPECIAL_NEEDS], languages=["sv"], municipality="Örebro")
    twin = _mentor(client, me, programme, name="Sjuksköterskan som talar arabiska", occupations=[NURSE],
                   skills=[SPECIAL_NEEDS], languages=["sv", "ar"], municipality="Örebro")
    nurse_cv = _cv(service, participant2, SWEDISH_NURSE_CV)
    welder_cv = _cv(service, participant2, SWEDISH_WELDER_CV)
    assert "ar" in service.get_cv(nurse_cv).card.languages and "ar" not in service.get_cv(welder_cv).card.languages
    response = client.post(f"/programmes/{programme}/participants", headers=me,
                           json={"cv_ids": [nurse_cv, welder_cv], "cohort": "VT26"})
    assert response.status_code == 201, response.text

    ranked = client.get(f"/programmes/{programme}/participants/{nurse_cv}/mentors", headers=me).json()
    order = [m["mentor_id"] for m in ranked]
    assert order.index(nurse_mentor) < order.index(welder_mentor) and order.index(twin) < order.index(welder_mentor)
    # The two nurse mentors differ only in Arabic, which the participant speaks: that breaks the tie.
    assert order[:2] == [twin, nurse_mentor] and ranked[0]["score"] > ranked[1]["score"]
    assert ranked[0]["explanation"]["shared_languages"] == ["ar", "sv"]
    assert ranked[0]["explanation"]["score_parts"]["language"] == 1.0
    assert {k: v for k, v in ranked[0]["explanation"]["score_parts"].items() if k != "language"} == \
        {k: v for k, v in ranked[1]["explanation"]["score_parts"].items() if k != "language"}
    assert ranked[0]["explanation"]["shared_occupations"][0]["relation"] in ("exact", "isco_group")
    assert ranked[0]["explanation"]["shared_occupations"][0]["isco"] == "2221"
    assert ranked[0]["explanation"]["place"] == "municipality"
    # The welder (no Arabic) gets the welder mentor first, with the shared skill's evidence in the CV.
    ranked = client.get(f"/programmes/{programme}/participants/{welder_cv}/mentors", headers=me).json()
    assert ranked[0]["mentor_id"] == welder_mentor
    skill = next(s for s in ranked[0]["explanation"]["matched_skills"] if s["uri"] == MIG)
    text = service.get_cv(welder_cv).profile.text
    assert all(text[e["start"]:e["end"]] == e["text"] for e in skill["cv_evidence"]) and skill["cv_evidence"]
    # Without the shared language the two nurse mentors tie exactly (then by id).
    tie = [m for m in ranked if m["mentor_id"] in (nurse_mentor, twin)]
    assert tie[0]["score"] == tie[1]["score"] and [m["mentor_id"] for m in tie] == [nurse_mentor, twin]
    # A skill the participant rejected is not shown to the coordinator either; the owner still has it, apart.
    wrong = service.get_cv(welder_cv).profile.skills[-1].uri
    service.review_skill(welder_cv, wrong, "rejected")
    cohort = client.get(f"/programmes/{programme}/participants", headers=me).json()
    welder = next(p for p in cohort if p["cv_id"] == welder_cv)
    assert welder["profile"]["rejected_skills"] == []
    assert wrong not in {s["uri"] for s in (*welder["profile"]["skills"], *welder["profile"]["possible_skills"])}
    assert [s.uri for s in service.get_cv(welder_cv).profile.rejected_skills] == [wrong]


def test_mentor_from_a_cv_like_text_through_the_same_extraction(env):
    client, tokens, _, _ = env
    me = auth(tokens, "coordinator")
    programme = _programme(client, me, "Textmentorer")
    response = client.post("/mentors", headers=me, json={
        "programme_id": programme, "name": "Mentor ur text", "capacity": 2, "languages": ["fa"],
        "text": SWEDISH_WELDER_CV})
    assert response.status_code == 201, response.text
    mentor = response.json()
    assert WELDER in mentor["occupations"] and MIG in mentor["skills"]
    assert mentor["languages"][0] == "fa" and "sv" in mentor["languages"]


def test_assignment_through_the_api_with_pins_forbidden_pairs_and_capacities(env):
    client, tokens, service, participant2 = env
    me = auth(tokens, "coordinator")
    programme = _programme(client, me, "Fördelning")
    welder_mentor = _mentor(client, me, programme, name="Svetsaren", occupations=[WELDER], skills=[MIG],
                            languages=["sv"], capacity=1)
    nurse_mentor = _mentor(client, me, programme, name="Sjuksköterskan", occupations=[NURSE], languages=["sv"],
                           capacity=1)
    _mentor(client, me, programme, name="Utan plats", occupations=[WELDER], capacity=0)
    cvs = [_cv(service, participant2, SWEDISH_WELDER_CV) for _ in range(2)] + [
        _cv(service, participant2, SWEDISH_NURSE_CV)]
    client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": cvs})
    result = client.post(f"/programmes/{programme}/assignment", headers=me).json()
    pairs = {p["cv_id"]: p["mentor_id"] for p in result["pairs"]}
    assert pairs[cvs[2]] == nurse_mentor and list(pairs.values()).count(welder_mentor) == 1
    assert len(result["unassigned"]) == 1 and result["total"] == pytest.approx(sum(p["score"] for p in
                                                                                   result["pairs"]))
    # Pin the unassigned welder to the welder mentor; forbid the nurse's pair; re-run.
    left_out = result["unassigned"][0]
    assert client.put(f"/programmes/{programme}/links", headers=me,
                      json={"cv_id": left_out, "mentor_id": welder_mentor, "status": "pinned"}).status_code == 200
    client.put(f"/programmes/{programme}/links", headers=me,
               json={"cv_id": cvs[2], "mentor_id": nurse_mentor, "status": "forbidden"})
    result = client.post(f"/programmes/{programme}/assignment", headers=me).json()
    pairs = {p["cv_id"]: (p["mentor_id"], p["status"]) for p in result["pairs"]}
    assert pairs[left_out] == (welder_mentor, "pinned")
    assert pairs.get(cvs[2], (None,))[0] != nurse_mentor and [cvs[2], nurse_mentor] in result["forbidden"]
    assert sum(1 for m, _ in pairs.values() if m == welder_mentor) <= 1
    # A second pin on a full mentor is a conflict, and nothing changes.
    other = next(c for c in cvs[:2] if c != left_out)
    response = client.put(f"/programmes/{programme}/links", headers=me,
                          json={"cv_id": other, "mentor_id": welder_mentor, "status": "pinned"})
    assert response.status_code == 409 and response.json()["code"] == "mentor_full"
    assert client.get(f"/programmes/{programme}/assignment", headers=me).json() == result


def test_outcomes_through_the_api_csv_and_plot(env):
    client, tokens, service, participant2 = env
    me = auth(tokens, "coordinator")
    programme = _programme(client, me, "Utfall")
    cvs = [_cv(service, participant2, SWEDISH_WELDER_CV) for _ in range(3)]
    client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": cvs[:2], "cohort": "HT25"})
    client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": cvs[2:], "cohort": "VT26"})
    for body in ({"cv_id": cvs[0], "kind": "job", "occupation": WELDER, "start": "2026-02-01"},
                 {"cv_id": cvs[1], "kind": "job", "occupation": NURSE, "start": "2026-03-01", "end": "2026-09-01"},
                 {"cv_id": cvs[2], "kind": "traineeship", "employer": "Verkstad AB", "start": "2026-03-01"}):
        assert client.post("/placements", headers=me, json=body).status_code == 201
    found = client.get(f"/programmes/{programme}/outcomes", headers=me).json()
    ht25, vt26 = found["cohorts"]
    # HT25: 2 of 2 in work; 1 of those 2 in their own field (welder). VT26: 0 of 1.
    assert (ht25["cohort"], ht25["in_work_or_studies_share"], ht25["own_field"], ht25["own_field_share"]) == \
        ("HT25", 1.0, 1, 0.5)
    assert (vt26["in_traineeship"], vt26["in_work_or_studies_share"], vt26["own_field_share"]) == (1, 0.0, None)
    assert found["total"]["in_work_or_studies_share"] == pytest.approx(2 / 3, abs=1e-4)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/programmes/{programme}/outcomes.csv", headers=me).text)))
    assert [r["cohort"] for r in rows] == ["HT25", "VT26", "all"] and rows[0]["own_field_share"] == "0.5"
    per = list(csv.DictReader(io.StringIO(client.get(f"/programmes/{programme}/outcomes.csv?level=participant",
                                                     headers=me).text)))
    assert [(int(r["cv_id"]), r["outcome"], r["own_field"]) for r in per] == [
        (cvs[0], "job", "True"), (cvs[1], "job", "False"), (cvs[2], "traineeship", "")]
    plot = client.get(f"/programmes/{programme}/outcomes.svg?lang=sv", headers=me)
    assert plot.headers["content-type"].startswith("image/svg+xml") and "<svg" in plot.text
    assert "HT25" in plot.text and "I arbete eller studier" in plot.text


def test_a_coordinator_sees_only_their_programmes(env):
    client, tokens, service, participant2 = env
    mine, other = auth(tokens, "coordinator"), auth(tokens, "coordinator2")
    programme = _programme(client, mine, "Bara min")
    mentor = _mentor(client, mine, programme, occupations=[WELDER])
    cv = _cv(service, participant2, SWEDISH_WELDER_CV)
    client.post(f"/programmes/{programme}/participants", headers=mine, json={"cv_ids": [cv]})
    placement = client.post("/placements", headers=mine, json={"cv_id": cv, "kind": "studies",
                                                               "start": "2026-08-20"}).json()["id"]
    assert programme not in [p["id"] for p in client.get("/programmes", headers=other).json()]
    for path in (f"/programmes/{programme}", f"/programmes/{programme}/participants",
                 f"/programmes/{programme}/outcomes", f"/programmes/{programme}/assignment",
                 f"/programmes/{programme}/participants/{cv}/mentors", f"/mentors/{mentor}"):
        assert client.get(path, headers=other).status_code == 404, path
    assert mentor not in [m["id"] for m in client.get("/mentors", headers=other).json()]
    assert placement not in [p["id"] for p in client.get("/placements", headers=other).json()]
    assert client.post("/mentors", headers=other, json={"programme_id": programme, "name": "X"}).status_code == 404
    assert client.post("/placements", headers=other, json={"cv_id": cv, "kind": "job",
                                                           "start": "2026-01-01"}).status_code == 404
    assert client.delete(f"/placements/{placement}", headers=other).status_code == 404
    assert client.delete(f"/programmes/{programme}", headers=other).status_code == 404
    assert client.post(f"/programmes/{programme}/assignment", headers=other).status_code == 404
    # Other roles get 403, an admin sees every programme.
    assert client.get("/programmes", headers=auth(tokens, "recruiter")).status_code == 403
    assert client.get("/mentors", headers=auth(tokens, "participant")).status_code == 403
    assert client.get("/programmes").status_code == 401
    assert programme in [p["id"] for p in client.get("/programmes", headers=auth(tokens, "admin")).json()]
    # Participants are shown anonymised, with contact details only where they consented.
    [member] = client.get(f"/programmes/{programme}/participants", headers=mine).json()
    assert member["contact"] is None and member["profile"]["skills"]
    demo = client.get("/programmes", headers=mine).json()[0]["id"]
    consented = [m for m in client.get(f"/programmes/{demo}/participants", headers=mine).json() if m["contact"]]
    assert len(consented) == 1 and "[…]" in consented[0]["profile"]["text"]
    assert consented[0]["contact"]["name"] not in consented[0]["profile"]["text"]


def test_erasing_a_participant_erases_their_placements_and_mentor_links(env):
    from store.programmes import links_table, participants_table, placements_table

    client, tokens, service, participant2 = env
    me, owner = auth(tokens, "coordinator"), auth(tokens, "participant2")
    programme = _programme(client, me, "Radering")
    mentor = _mentor(client, me, programme, occupations=[WELDER], capacity=2)
    cv, stays = _cv(service, participant2, SWEDISH_WELDER_CV), _cv(service, participant2, SWEDISH_WELDER_CV)
    client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": [cv, stays]})
    client.put(f"/programmes/{programme}/links", headers=me, json={"cv_id": cv, "mentor_id": mentor,
                                                                  "status": "pinned"})
    client.post(f"/programmes/{programme}/assignment", headers=me)
    for who in (cv, stays):
        client.post("/placements", headers=me, json={"cv_id": who, "kind": "job", "start": "2026-05-01"})

    def rows(table, cv_id):
        with service.store.engine.connect() as conn:
            return conn.execute(select(table).where(table.c.cv_id == cv_id)).all()

    assert all(rows(t, cv) for t in (links_table, participants_table, placements_table))
    assert client.delete(f"/cvs/{cv}", headers=owner).status_code == 204
    assert not any(rows(t, cv) for t in (links_table, participants_table, placements_table))
    assert all(rows(t, stays) for t in (links_table, participants_table, placements_table))
    assert [p["cv_id"] for p in client.get(f"/programmes/{programme}/participants", headers=me).json()] == [stays]
    assert cv not in [p["cv_id"] for p in client.get(f"/programmes/{programme}/assignment",
                                                     headers=me).json()["pairs"]]
    assert client.get(f"/programmes/{programme}/outcomes", headers=me).json()["total"]["participants"] == 1


def test_bad_input_is_a_clear_4xx_and_nothing_is_half_written(env):
    client, tokens, service, participant2 = env
    me = auth(tokens, "coordinator")
    before = len(client.get("/programmes", headers=me).json())
    response = client.post("/programmes", headers=me, json={"name": "Baklänges", "start": "2026-06-01",
                                                            "end": "2026-01-01"})
    assert response.status_code == 422 and "end" in response.json()["detail"]
    assert len(client.get("/programmes", headers=me).json()) == before
    programme = _programme(client, me, "Felaktigt")
    mentors = len(client.get(f"/mentors?programme_id={programme}", headers=me).json())
    for body, field in (({"occupations": ["http://data.europa.eu/esco/occupation/nope"]}, "occupation"),
                        ({"occupations": [MIG]}, "occupation"),            # a skill is not an occupation
                        ({"skills": ["http://example.org/skill"]}, "skill"),
                        ({"capacity": -1}, "capacity"),
                        ({"languages": ["xx"]}, "language")):
        response = client.post("/mentors", headers=me, json={"programme_id": programme, "name": "M", **body})
        assert response.status_code == 422 and field in response.json()["detail"], (body, response.text)
        assert response.json()["code"]
    assert len(client.get(f"/mentors?programme_id={programme}", headers=me).json()) == mentors
    # A participant in two programmes: the whole call is refused and nothing of it is written.
    taken = client.get("/programmes", headers=me).json()[0]
    taken_cv = client.get(f"/programmes/{taken['id']}/participants", headers=me).json()[0]["cv_id"]
    free_cv = _cv(service, participant2, SWEDISH_WELDER_CV)
    response = client.post(f"/programmes/{programme}/participants", headers=me,
                           json={"cv_ids": [free_cv, taken_cv]})
    assert response.status_code == 409 and response.json()["code"] == "already_in_programme"
    assert client.get(f"/programmes/{programme}/participants", headers=me).json() == []
    response = client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": [free_cv, 999999]})
    assert response.status_code == 422 and response.json()["code"] == "unknown_cv"
    assert client.get(f"/programmes/{programme}/participants", headers=me).json() == []
    client.post(f"/programmes/{programme}/participants", headers=me, json={"cv_ids": [free_cv]})
    placements = len(client.get("/placements", headers=me).json())
    for body, code in (({"kind": "job", "start": "2026-05-01", "end": "2026-04-01"}, 422),
                       ({"kind": "job", "start": "2026-05-01", "occupation": MIG}, 422),
                       ({"kind": "job", "start": "2026-05-01", "ad_id": 999999}, 422),
                       ({"kind": "volunteering", "start": "2026-05-01"}, 422),
                       ({"kind": "job", "start": "1 maj"}, 422)):
        response = client.post("/placements", headers=me, json={"cv_id": free_cv, **body})
        assert response.status_code == code and response.json()["detail"], (body, response.text)
    assert len(client.get("/placements", headers=me).json()) == placements
    assert client.post(f"/programmes/{programme}/ads", headers=me, json={"ad_ids": [999999]}).status_code == 422
    assert client.get(f"/programmes/{programme}/ads", headers=me).json() == []
    # Ids beyond what a store row can have are invalid input, not a database overflow.
    assert client.get(f"/programmes/{2**64}", headers=me).status_code == 422
    assert client.post("/placements", headers=me, json={"cv_id": 2**64, "kind": "job",
                                                        "start": "2026-05-01"}).status_code == 422
    assert client.get(f"/mentors?programme_id={2**64}", headers=me).status_code == 422


def test_access_log_has_route_templates_and_no_names(env, caplog):
    import logging

    client, tokens, _, _ = env
    me = auth(tokens, "coordinator")
    with caplog.at_level(logging.INFO, logger="matcha.access"):
        programme = _programme(client, me, "Hemligt programnamn")
        _mentor(client, me, programme, name="Karin Hemligsson", occupations=[NURSE])
        client.get(f"/programmes/{programme}/outcomes", headers=me)
    lines = [r.getMessage() for r in caplog.records if r.name == "matcha.access"]
    assert any(" POST /mentors 201 " in line for line in lines), lines
    assert any(" GET /programmes/{programme_id}/outcomes 200 " in line for line in lines), lines
    assert "Hemligsson" not in caplog.text and "Hemligt" not in caplog.text


def _matcha(data_dir, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATCHA_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "matcha.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300)


def test_cli_programmes_and_mentors(env, tmp_path):
    _, _, service, _ = env
    data = service.settings.state_dir
    result = _matcha(data, "users", "add", "--name", "Koordinator", "--role", "coordinator")
    assert result.returncode == 0 and json.loads(result.stdout)["role"] == "coordinator"
    result = _matcha(data, "programmes", "add", "--name", "X", "--start", "2026-06-01", "--end", "2026-01-01",
                     "--coordinator", "1")
    assert result.returncode == 1 and "end" in result.stderr and "Traceback" not in result.stderr
    result = _matcha(data, "mentors", "add", "--programme", "1", "--name", "M", "--capacity", "-1")
    assert result.returncode == 1 and "capacity" in result.stderr and "Traceback" not in result.stderr
    result = _matcha(data, "programmes", "assign", "1")
    assert result.returncode == 0, result.stderr
    assignment = json.loads(result.stdout)
    assert assignment["total"] == pytest.approx(sum(p["score"] for p in assignment["pairs"]), abs=1e-3)
    assert {p["mentor_name"] for p in assignment["pairs"]} == {"Ali, svetsare", "Karin, sjuksköterska"}
    result = _matcha(data, "programmes", "forbid", "1", "999", "1")
    assert result.returncode == 1 and "no participant 999" in result.stderr and "Traceback" not in result.stderr
    csv_file, svg_file = tmp_path / "out.csv", tmp_path / "out.svg"
    result = _matcha(data, "programmes", "outcomes", "1", "--csv", str(csv_file), "--plot", str(svg_file))
    assert result.returncode == 0, result.stderr
    assert "2026 VT: 2 participants, in work or studies 100%" in result.stdout
    assert csv_file.read_text().splitlines()[1].startswith("2026 VT,2,1,1") and "<svg" in svg_file.read_text()
