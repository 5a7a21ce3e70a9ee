"""The participant's word on their profile's skills (extractor.skill_reviews) and the count of those words against the tier
extraction gave each skill (eval.review_counts): hand-made profiles, every move and its undo counted by hand."""

from __future__ import annotations

import pytest

from eval.review_counts import tally
from extractor.errors import InputError
from extractor.profile import CompetenceProfile, ConceptMatch, Evidence
from extractor.skill_reviews import review_skill, reviewed

AT = "2026-12-01T12:00:00+00:00"


def _skill(name: str, start: int = 0) -> ConceptMatch:
    return ConceptMatch(uri=f"urn:{name}", label=name, confidence=0.8,
                        evidence=[Evidence(start=start, end=start + 4, text="text")])


def _profile(shown: list[str], possible: list[str], language: str = "en") -> CompetenceProfile:
    return CompetenceProfile(language=language, language_confidence=1.0, text="text " * 20,
                             skills=[_skill(n) for n in shown], possible_skills=[_skill(n) for n in possible])


def _uris(skills: list[ConceptMatch]) -> list[str]:
    return [s.uri for s in skills]


def test_a_confirmed_possible_skill_is_shown_and_remembers_where_extraction_put_it():
    before = _profile(["weld", "grind"], ["forklift", "crane"])
    after = review_skill(before, "urn:forklift", "confirmed", at=AT)
    assert _uris(after.skills) == ["urn:weld", "urn:grind", "urn:forklift"]
    assert _uris(after.possible_skills) == ["urn:crane"] and not after.rejected_skills
    review = after.skills[-1].review
    assert review is not None and (review.verdict, review.extracted_as, review.at) == ("confirmed", "possible_skills", AT)
    assert after.skills[-1].evidence == before.possible_skills[0].evidence  # the evidence moves with it
    assert _uris(before.possible_skills) == ["urn:forklift", "urn:crane"]  # a copy: the input is unchanged


def test_a_rejected_skill_is_set_apart_and_undo_puts_it_back_in_its_tier():
    before = _profile(["weld", "grind"], ["forklift"])
    rejected = review_skill(before, "urn:weld", "rejected", at=AT)
    assert _uris(rejected.skills) == ["urn:grind"] and _uris(rejected.rejected_skills) == ["urn:weld"]
    assert rejected.rejected_skills[0].review.extracted_as == "skills"
    # Changing one's mind: a rejected shown skill confirmed is shown again, still known to have been shown.
    confirmed = review_skill(rejected, "urn:weld", "confirmed", at=AT)
    assert _uris(confirmed.skills) == ["urn:grind", "urn:weld"] and not confirmed.rejected_skills
    assert confirmed.skills[-1].review.extracted_as == "skills"
    # Undo of a rejected possible skill: back among the possible skills, unmarked.
    gone = review_skill(before, "urn:forklift", "rejected", at=AT)
    assert not gone.possible_skills and _uris(gone.rejected_skills) == ["urn:forklift"]
    back = review_skill(gone, "urn:forklift", "unreviewed")
    assert _uris(back.possible_skills) == ["urn:forklift"] and back.possible_skills[0].review is None
    assert not back.rejected_skills and reviewed(back) == []


def test_confirming_a_shown_skill_keeps_its_place_and_an_unknown_skill_is_a_404():
    before = _profile(["weld", "grind", "cut"], [])
    after = review_skill(before, "urn:grind", "confirmed", at=AT)
    assert _uris(after.skills) == _uris(before.skills)
    assert [s.review is not None for s in after.skills] == [False, True, False]
    assert review_skill(after, "urn:grind", "confirmed", at=AT) == after  # the same word twice changes nothing
    with pytest.raises(InputError) as raised:
        review_skill(before, "urn:sing", "confirmed")
    assert raised.value.status == 404 and raised.value.code == "unknown_skill"


def test_tally_counts_verdicts_against_the_tier_extraction_gave():
    # English CV 1: 3 shown, 2 possible. The participant rejects a shown skill, confirms a possible one and
    # rejects the other possible one. English CV 2: 2 shown, one confirmed. A Swedish CV: not reviewed.
    one = _profile(["a", "b", "c"], ["d", "e"])
    for uri, verdict in (("urn:b", "rejected"), ("urn:d", "confirmed"), ("urn:e", "rejected")):
        one = review_skill(one, uri, verdict, at=AT)
    two = review_skill(_profile(["f", "g"], []), "urn:f", "confirmed", at=AT)
    swedish = _profile(["h"], ["i"], language="sv")
    result = tally([one, two, swedish])
    assert (result["cvs"], result["cvs_with_reviews"]) == (3, 2)
    shown, possible = result["groups"]["cv"]["skills"], result["groups"]["cv"]["possible_skills"]
    assert (shown["found"], shown["reviewed"], shown["confirmed"], shown["rejected"]) == (5, 2, 1, 1)
    assert shown["confirmed_share"] == 0.5 and shown["reviewed_share"] == 0.4
    assert (possible["found"], possible["reviewed"], possible["confirmed"], possible["rejected"]) == (2, 2, 1, 1)
    low, high = shown["confirmed_share_ci95"]
    assert 0.0 <= low <= 0.5 <= high <= 1.0
    sv = result["groups"]["cv_sv"]
    assert sv["skills"]["found"] == 1 and sv["skills"]["confirmed_share"] is None
    assert sv["possible_skills"]["reviewed"] == 0 and sv["possible_skills"]["confirmed_share_ci95"] is None


def test_a_review_written_over_a_stale_read_is_refused_by_the_store(tmp_path):
    """Two reviews at once must not lose one: the store changes a row only at the version it was read at."""
    from store.database import Store, encode_vector

    import numpy as np

    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    [cv_id] = store.add("cvs", [{"profile": _profile(["a"], ["b"]).model_dump_json(), "card": "{}",
                                 "vector": encode_vector(np.zeros(4, dtype=np.float32))}])
    read = store.get("cvs", cv_id)
    assert store.update("cvs", cv_id, {"card": '{"essential": ["urn:a"]}'}, expected_version=read["version"])
    assert not store.update("cvs", cv_id, {"card": '{"essential": []}'}, expected_version=read["version"])
    now = store.get("cvs", cv_id)
    assert now["card"] == '{"essential": ["urn:a"]}' and now["version"] == read["version"] + 1
    profiles = list(store.iter_profiles("cvs", batch=1))
    assert [CompetenceProfile.model_validate(p).skills[0].uri for p in profiles] == ["urn:a"]
