"""`matcha eval compare-keep`: two keep models on the same CVs, the difference with a paired interval."""

import pytest

from eval.cv_sets import LabelledCv
from eval.intervals import paired_difference, ratio_interval
from eval.keep_comparison import Candidate, candidates, compare
from extractor.keep_model import FEATURES, KeepModel, load_keep_model


def _model(threshold: float, cv_sv: float | None = None) -> KeepModel:
    """Probability rises with the candidate's "score" alone (weight 10, centred on 0.5)."""
    return KeepModel({f: 10.0 if f == "score" else 0.0 for f in FEATURES}, -5.0, threshold,
                     thresholds={"cv_sv": cv_sv} if cv_sv is not None else {})


def _candidate(score: float, right: bool, gold: bool = False, kind: str = "") -> Candidate:
    return Candidate({f: 0.0 for f in FEATURES} | {"score": score}, kind, right, gold)


def test_a_paired_difference_sees_what_differs_between_the_same_documents():
    right, found = [9, 6, 10, 4, 8, 7], [10, 10, 11, 8, 9, 9]
    assert paired_difference((right, found), (right, found)) == {"difference": 0.0, "low": 0.0, "high": 0.0}
    # b drops one wrong concept from every document: a small gain, but on every document, so the interval
    # excludes 0, while the two separate intervals overlap almost entirely.
    fewer = [n - 1 for n in found]
    moved = paired_difference((right, found), (right, fewer))
    assert moved["difference"] == round(sum(right) / sum(fewer) - sum(right) / sum(found), 4)
    assert 0.0 < moved["low"] <= moved["difference"] <= moved["high"]
    a_low, a_high = ratio_interval(right, found)
    b_low, _ = ratio_interval(right, fewer)
    assert b_low < a_high
    with pytest.raises(ValueError):
        paired_difference((right, found), (right[:-1], fewer[:-1]))


def test_two_models_keep_their_share_of_the_same_candidates_at_their_own_thresholds():
    cvs = [LabelledCv(f"0{i}_x", "x", "text", gold={"g1", "g2", "g3"}, labels={}) for i in (1, 2)]
    found = [[_candidate(0.9, True, True), _candidate(0.9, True, True), _candidate(0.55, False),
              _candidate(0.45, True, True)],
             [_candidate(0.9, True, True), _candidate(0.56, False), _candidate(0.3, False)]]
    loose, strict = _model(0.5), _model(0.7)  # loose keeps score >= 0.5, strict score >= 0.585
    result = compare(found, cvs, loose, strict)
    assert result["cvs"] == 2
    assert result["a"] == {"judged_precision": round(3 / 5, 4), "recall": round(3 / 6, 4), "kept": 5}
    assert result["b"] == {"judged_precision": 1.0, "recall": round(3 / 6, 4), "kept": 3}
    assert result["judged_precision"]["difference"] == round(1.0 - 3 / 5, 4)
    assert result["recall"] == {"difference": 0.0, "low": 0.0, "high": 0.0}
    # A kind of text keeps its own threshold: a Swedish CV's candidates at "cv_sv".
    swedish = [[_candidate(c.values["score"], c.right, c.gold, "cv_sv") for c in of_cv] for of_cv in found]
    assert compare(swedish, cvs, loose, _model(0.5, cv_sv=0.7))["b"] == result["b"]


def test_candidates_are_read_once_and_labelled_as_eval_cvs_labels_them(extractor):
    text = "Experience\n2019-2024 Developer\nBuilt REST APIs in Java, wrote SQL queries and unit tests in Python.\n"
    draft = extractor.draft(text, "cv")
    java = next(m.uri for m in draft.candidates if m.label == "Java (computer programming)")
    cv = LabelledCv("01_dev", "dev", text, gold={java}, labels={java: "Java"})
    found = candidates([cv], lambda t: extractor.draft(t, "cv"))
    assert len(found) == 1 and len(found[0]) == sum(not f.rests_on_a_shared_word for f in draft.fits)
    assert sum(c.gold for c in found[0]) == 1 and all(c.right == c.gold for c in found[0])  # nothing judged
    shipped = load_keep_model()
    result = compare(found, [cv], shipped, shipped)
    kept = extractor.extract_text(text, "cv").skills
    assert result["a"]["kept"] == len(kept) and result["a"]["recall"] == float(java in {s.uri for s in kept})


def test_cli_compares_the_shipped_model_with_a_stricter_one(extractor, tmp_path):
    import json
    from dataclasses import replace

    from extractor.keep_model import MODEL_FILE
    from tests.test_extraction import _matcha

    text = "Experience\n2019-2024 Developer\nBuilt REST APIs in Java, wrote SQL queries and unit tests in Python.\n"
    java = next(m.uri for m in extractor.draft(text, "cv").candidates if m.label == "Java (computer programming)")
    (tmp_path / "set").mkdir()
    (tmp_path / "set" / "01_dev.json").write_text(json.dumps(
        {"id": "01_dev", "field": "dev", "text": text, "skills": [{"uri": java, "label": "Java"}]}))
    shipped = load_keep_model()
    (tmp_path / "strict.json").write_text(replace(shipped, threshold=0.999, thresholds={}, shown={}).to_json())
    result = _matcha("eval", "compare-keep", "--set", str(tmp_path / "set"), "--a", str(MODEL_FILE),
                     "--b", str(tmp_path / "strict.json"), "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert list(figures) == ["set"]  # one set: nothing to pool
    assert figures["set"]["a"]["kept"] == len(extractor.extract_text(text, "cv").skills) > figures["set"]["b"]["kept"]
    assert figures["set"]["recall"]["difference"] == figures["set"]["b"]["recall"] - figures["set"]["a"]["recall"]
