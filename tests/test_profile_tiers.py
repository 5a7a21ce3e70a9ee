"""A CV's profile in two tiers (``extractor.keep_model``, ``eval.shown_thresholds``): the skills people see, which the
keep model is surer of, and the possible skills, kept for matching, shown apart and marked where they explain a
match. Ads and short texts have one tier."""

import json
import math

from eval.keep_comparison import Candidate
from eval.shown_thresholds import choose, with_shown_thresholds
from extractor.coherence import Fit
from extractor.keep_model import FEATURES, KeepModel, load_keep_model
from extractor.profile import CompetenceProfile, ConceptMatch, Evidence
from index.cards import cv_card
from index.explain import explain
from index.rerank import Covered, Scored
from tests.conftest import ENGLISH_CV, SWEDISH_CV


def _model(**shown: float) -> KeepModel:
    """Probability rises with the candidate's "score" alone: p = 1 / (1 + exp(5 - 10 score)); kept at 0.5."""
    return KeepModel({f: 10.0 if f == "score" else 0.0 for f in FEATURES}, -5.0, 0.5, shown=shown)


def _score(p: float) -> float:
    """The score at which ``_model`` gives probability ``p``."""
    return (math.log(p / (1 - p)) + 5) / 10


def _fit(**changes) -> Fit:
    values = dict(uri="u", method="embedding", score=0.6, ambiguity=0.0, sentence=0.3, anchors=0.2, language="en",
                  group="S", places=1, words=3, sections=frozenset({"experience"}), document="cv", lines=12,
                  text_words=200)
    values.update(changes)
    return Fit(**values)


def test_the_tier_of_a_text_and_the_threshold_it_is_shown_at():
    assert _fit().tier == "cv"
    assert _fit(language="sv").tier == "cv_sv"
    assert _fit(document="ad").tier == "" and _fit(document="text").tier == ""
    assert _fit(lines=2, text_words=30).tier == ""  # a CV of a line or two is a short text: one tier
    model = _model(**{"cv:linked": 0.8, "cv:label": 0.6})
    link, label = _fit(score=_score(0.7)), _fit(method="phrase", score=_score(0.7))
    assert model.keeps(link.features(), tier="cv") and model.keeps(label.features(), tier="cv")
    assert not model.shows(link.features(), link.tier)  # a link kept at 0.7 is a possible skill
    assert model.shows(label.features(), label.tier)     # a label match at 0.7 is shown
    assert model.shows(_fit(score=_score(0.85)).features(), "cv")
    assert model.shows(link.features(), "") and model.shows(link.features(), "cv_sv")  # no thresholds there
    assert model.shown_threshold("cv", True) == 0.8 and model.shown_threshold("", True) is None
    # A label match shown from below the keep threshold is kept from there too, unless an operator set the keep
    # threshold (MATCHA_KEEP_THRESHOLD): then that holds for every candidate.
    lower = _model(**{"cv:linked": 0.8, "cv:label": 0.4})
    weak = _fit(method="phrase", score=_score(0.45)).features()
    assert lower.keeps(weak, tier="cv") and lower.shows(weak, "cv") and not lower.keeps(weak, tier="")
    assert not lower.keeps(weak, tier="cv", threshold=0.5)
    again = KeepModel.from_json(model.to_json())
    assert again == model and json.loads(model.to_json())["shown"] == {"cv:linked": 0.8, "cv:label": 0.6}
    # A model file from before the tiers reads as one tier.
    older = json.loads(model.to_json())
    del older["shown"]
    assert KeepModel.from_json(json.dumps(older)).shows(link.features(), "cv")


def _candidate(p: float, linked: bool, right: bool, gold: bool = False) -> Candidate:
    values = {f: 0.0 for f in FEATURES} | {"score": _score(p), "linked": float(linked)}
    return Candidate(values, "", right, gold, "cv")


# One training CV (four gold concepts, one never a candidate) and one tuning CV (two gold concepts).
TRAINING = ([[_candidate(0.953, False, True, True), _candidate(0.603, False, False),
              _candidate(0.903, True, True, True), _candidate(0.703, True, True, True), _candidate(0.663, True, False),
              _candidate(0.553, True, False), _candidate(0.523, True, False)]], [4])
TUNING = ([[_candidate(0.903, False, True, True), _candidate(0.653, True, True, True)]], [2])


def test_the_shown_thresholds_reach_the_precision_asked_within_the_recall_allowed():
    model = _model()
    chosen, table, before = choose(model, "cv", TRAINING, TUNING, recall_floor=0.5, max_loss=0.25)
    # Every wrong candidate out (labels above 0.603, links above 0.663) at the most recall (the link at 0.703 in):
    # the lowest such pair.
    assert chosen == {"cv:linked": 0.67, "cv:label": 0.61}
    assert before["training"] == {"judged_precision": round(3 / 7, 4), "recall": 0.75, "kept": 7}
    first = table[0]
    assert (first["linked"], first["label"]) == (0.5, 0.5) and first["training"] == before["training"]
    row = next(r for r in table if (r["linked"], r["label"]) == (0.67, 0.61))
    assert row["training"] == {"judged_precision": 1.0, "recall": 0.75, "kept": 3}
    assert row["tuning"]["recall"] == 0.5 and row["allowed"]
    # The tuning half may not lose its link (floor 1.0): links stay at 0.65 or below, the wrong link at 0.663 stays
    # in, 0.88 is out of reach, and the most precise allowed pair is chosen (ties: the lower thresholds).
    chosen, table, _ = choose(model, "cv", TRAINING, TUNING, recall_floor=1.0, max_loss=0.25)
    assert chosen == {"cv:linked": 0.56, "cv:label": 0.61}
    assert next(r for r in table if (r["linked"], r["label"]) == (0.56, 0.61))["training"]["judged_precision"] == 0.75
    # The training set's recall may not fall more than max_loss: with none, the link at 0.703 must stay.
    chosen, _, _ = choose(model, "cv", TRAINING, TUNING, recall_floor=0.5, max_loss=0.0)
    assert chosen["cv:linked"] <= 0.70
    # Label matches may be shown (and kept) below the keep threshold: a right label match at 0.453, kept at 0.5
    # by nobody, is kept and shown from 0.45, and the wrong one at 0.423 stays out.
    more = ([TRAINING[0][0] + [_candidate(0.453, False, True, True), _candidate(0.423, False, False)]], [5])
    chosen, table, before = choose(model, "cv", more, TUNING, recall_floor=0.5, max_loss=0.25, labels_from=0.40)
    assert chosen == {"cv:linked": 0.67, "cv:label": 0.61}  # a label above 0.603 leaves both low ones out
    low = next(r for r in table if (r["linked"], r["label"]) == (0.67, 0.45))
    assert low["training"] == {"judged_precision": round(4 / 5, 4), "recall": 0.8, "kept": 5}
    assert before["training"]["recall"] == 0.6 and min(r["label"] for r in table) == 0.4
    written = with_shown_thresholds(model, "cv", chosen, "train_set")
    assert written.shown == chosen and written.trained_on["shown_chosen_on"] == {"cv": "train_set"}


def test_a_cv_shows_its_surer_skills_and_matching_ranks_on_every_skill_kept(extractor):
    shipped = load_keep_model()
    assert shipped.shown, "the shipped model has thresholds for the profile people see"
    possible_somewhere = False
    for cv in (ENGLISH_CV, SWEDISH_CV):
        draft = extractor.draft(cv, "cv")
        kept = {m.uri: f for m, f in zip(draft.candidates, draft.fits)
                if not f.rests_on_a_shared_word and shipped.keeps(f.features(), f.kind, f.tier)}
        shown = {uri for uri, f in kept.items() if shipped.shows(f.features(), f.tier)}
        profile = extractor.extract_text(cv, "cv")
        assert [s.uri for s in profile.skills] == [m.uri for m in draft.candidates if m.uri in shown]
        assert {s.uri for s in profile.possible_skills} == set(kept) - shown
        possible_somewhere |= bool(profile.possible_skills)
        # Matching ranks on both tiers: the card holds the possible skills too.
        assert {s.uri for s in profile.possible_skills} <= set(cv_card(profile).essential)
        # An ad has one tier: what is kept is shown.
        ad = extractor.extract_text(cv, "ad")
        assert not ad.possible_skills
    assert possible_somewhere, "a sample CV has skills kept for matching but not shown"


def _skill(resources, label: str, text: str, words: str, method: str = "phrase") -> ConceptMatch:
    uri = next(c.uri for c in resources.taxonomy.of_kind("skill") if c.label("en") == label)
    start = text.index(words)
    return ConceptMatch(uri=uri, label=label, confidence=0.8, method=method,
                        evidence=[Evidence(start=start, end=start + len(words), text=words)])


def test_a_match_explained_by_a_possible_skill_says_so(resources):
    text = "Experience\nWelded steel frames with MIG welding.\nDrove forklifts in the warehouse.\n"
    cv = CompetenceProfile(language="en", language_confidence=1.0, text=text,
                           skills=[_skill(resources, "operate welding equipment", text, "MIG welding")],
                           possible_skills=[_skill(resources, "operate forklift", text, "Drove forklifts",
                                                   "embedding")])
    ad_text = "Welder. Requirements: welding equipment, forklift driving."
    ad = CompetenceProfile(language="en", language_confidence=1.0, text=ad_text,
                           skills=[_skill(resources, "operate welding equipment", ad_text, "welding equipment"),
                                   _skill(resources, "operate forklift", ad_text, "forklift driving")])
    weld, forklift = (s.uri for s in ad.skills)
    # What the ranker found covered (``index.rerank``): both requirements, each by the CV's own skill.
    scored = Scored(1, 0.8, {"essential": 1.0}, [Covered(weld, True, "exact", weld),
                                                 Covered(forklift, True, "exact", forklift)])
    explanation = explain(scored, ad, cv, resources.taxonomy)
    by_uri = {m.uri: m for m in explanation.matched_skills}
    assert not by_uri[weld].possible and by_uri[forklift].possible
    assert [e.text for e in by_uri[forklift].cv_evidence] == ["Drove forklifts"]
    assert set(cv_card(cv).essential) == {weld, forklift}
    # Once the participant confirms the forklift, the match says so and no longer calls it possible.
    from extractor.skill_reviews import review_skill

    sure = explain(scored, ad, review_skill(cv, forklift, "confirmed"), resources.taxonomy)
    by_uri = {m.uri: m for m in sure.matched_skills}
    assert by_uri[forklift].confirmed and not by_uri[forklift].possible and not by_uri[weld].confirmed


def test_cli_chooses_shown_thresholds_and_writes_them_into_the_model_file(extractor, tmp_path):
    from extractor.keep_model import MODEL_FILE
    from tests.test_extraction import _matcha

    text = ("Experience\n2019-2024 Developer\nBuilt REST APIs in Java, wrote SQL queries and unit tests in Python.\n"
            "Set up monitoring of the servers and wrote the team's documentation.\n")
    found = extractor.draft(text, "cv").candidates
    gold = [{"uri": m.uri, "label": m.label} for m in found if m.label.startswith(("Java", "SQL", "Python"))]
    for name in ("training", "tuning"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "01_dev.json").write_text(json.dumps({"id": "01_dev", "field": "dev", "text": text,
                                                                 "skills": gold}))
    model = tmp_path / "model.json"
    model.write_text(MODEL_FILE.read_text(encoding="utf-8"))
    result = _matcha("eval", "shown-thresholds", "--tier", "cv", "--training", str(tmp_path / "training"),
                     "--tuning", str(tmp_path / "tuning"), "--recall-floor", "0", "--max-loss", "0",
                     "--model", str(model), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    written = KeepModel.from_json(model.read_text(encoding="utf-8"))
    assert set(out["chosen"]) == {"cv:linked", "cv:label"} and written.shown == {**load_keep_model().shown,
                                                                                  **out["chosen"]}
    assert out["figures"]["training"]["recall"] == out["before"]["training"]["recall"]  # no loss allowed
    assert written.trained_on["shown_chosen_on"]["cv"] == "training"
    # Training sets given twice are pooled: their CVs counted together, the choice recorded as made on both.
    (tmp_path / "training2").mkdir()
    (tmp_path / "training2" / "02_dev.json").write_text(json.dumps({"id": "02_dev", "field": "dev2", "text": text,
                                                                    "skills": gold}))
    pooled = _matcha("eval", "shown-thresholds", "--tier", "cv", "--training", str(tmp_path / "training"),
                     "--training", str(tmp_path / "training2"), "--tuning", str(tmp_path / "tuning"),
                     "--recall-floor", "0", "--max-loss", "0", "--model", str(model), "--json")
    assert pooled.returncode == 0, pooled.stderr
    both = json.loads(pooled.stdout)["before"]["training"]
    assert both["kept"] == 2 * out["before"]["training"]["kept"] > 0
    assert both["recall"] == out["before"]["training"]["recall"]
    assert KeepModel.from_json(model.read_text(encoding="utf-8")).trained_on["shown_chosen_on"]["cv"] == \
        "training + training2"
    wrong = _matcha("eval", "shown-thresholds", "--tier", "ad", "--training", str(tmp_path / "training"),
                    "--tuning", str(tmp_path / "tuning"), "--recall-floor", "0", "--max-loss", "0",
                    "--model", str(model))
    assert wrong.returncode != 0 and b"--tier" in wrong.stderr
