"""`matcha eval match`: reading labelled collections, the text baselines, and a run on a tiny collection through
the real MatchingService (scratch store), with its JSON figures and HTML report."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from eval.match_sets import MatchSetError, bm25_similarity, read_match_set, tfidf_similarity, top_ids
from tests.conftest import ROOT

WELDER_SV = ("Profil\nSvetsare med tio års erfarenhet av MIG/MAG-svetsning och TIG-svetsning i rostfritt stål.\n"
             "Läser ritningar och svetsar enligt WPS.\nSpråk\nSvenska B1")
WELDER_EN = ("Profile\nWelder with eight years of MIG and TIG welding of steel structures. I read engineering "
             "drawings and weld according to WPS.\nLanguages\nEnglish C1")
NURSE_SV = ("Profil\nLegitimerad sjuksköterska med erfarenhet av läkemedelshantering, omvårdnad och "
            "patientjournaler på medicinavdelning.\nSpråk\nSvenska C1")
NURSE_EN = ("Profile\nRegistered nurse with experience of medication administration, patient care and "
            "wound care on a surgical ward.\nLanguages\nEnglish C2")


def _write_set(folder, cvs, ads) -> None:  # noqa: ANN001
    for kind, docs in (("cvs", cvs), ("ads", ads)):
        (folder / kind).mkdir(parents=True, exist_ok=True)
        for doc in docs:
            (folder / kind / f"{doc['id']}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _tiny_set(folder) -> None:  # noqa: ANN001
    cvs = [{"id": "sv_welder_01", "lang": "sv", "field": "welder", "split": "tune", "text": WELDER_SV},
           {"id": "en_welder_01", "lang": "en", "field": "welder", "split": "report", "text": WELDER_EN},
           {"id": "sv_nurse_01", "lang": "sv", "field": "nurse", "split": "tune", "text": NURSE_SV},
           {"id": "en_nurse_01", "lang": "en", "field": "nurse", "split": "report", "text": NURSE_EN}]
    ads = [{"id": "ad_sv_welder_01", "lang": "sv", "field": "welder", "split": "tune", "title": "Svetsare",
            "employer": "Verkstad AB", "kind": "job", "municipality": "Örebro",
            "text": "Vi söker en svetsare.\nKrav:\n- MIG/MAG-svetsning\n- Läsa ritningar"},
           {"id": "ad_en_nurse_01", "lang": "en", "field": "nurse", "split": "report", "title": "Registered nurse",
            "employer": "Care AB", "kind": "job", "municipality": "Stockholm",
            "text": "We are looking for a registered nurse.\nRequirements:\n- Medication administration\n"
                    "- Patient care"}]
    _write_set(folder, cvs, ads)


def test_reading_a_collection_and_its_errors(tmp_path):
    _tiny_set(tmp_path / "ok")
    cvs, ads = read_match_set(tmp_path / "ok")
    assert [c.id for c in cvs] == ["en_nurse_01", "en_welder_01", "sv_nurse_01", "sv_welder_01"]
    assert ads[0].title == "Registered nurse" and ads[1].municipality == "Örebro"
    with pytest.raises(MatchSetError, match="cvs/ and ads/"):
        read_match_set(tmp_path / "missing")
    _write_set(tmp_path / "bad", [{"id": "x", "lang": "sv", "field": "f", "split": "train", "text": "t"}],
               [{"id": "a", "lang": "sv", "field": "f", "split": "tune", "text": "t"}])
    with pytest.raises(MatchSetError, match="split must be tune or report"):
        read_match_set(tmp_path / "bad")
    result = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "match", "--set", str(tmp_path / "bad")],
                            capture_output=True, cwd=ROOT, timeout=300)
    assert result.returncode != 0 and b"split must be tune or report" in result.stderr
    assert b"Traceback" not in result.stderr


def test_baselines_rank_shared_words_first_and_never_the_query_itself():
    texts = ["mig welding of steel", "tig welding of steel", "wound care and medication", "medication rounds"]
    ids = ["w1", "w2", "n1", "n2"]
    for similarity in (tfidf_similarity(texts, texts, texts), bm25_similarity(texts, texts)):
        ranked = top_ids(np.asarray(similarity), ids, ids)
        assert [r[0] for r in ranked] == ["w2", "w1", "n2", "n1"]
        assert all(own not in r for own, r in zip(ids, ranked))


def test_eval_match_runs_on_a_tiny_collection(tmp_path, resources):
    from eval.match_eval import run_match_eval, write_match_report

    _tiny_set(tmp_path / "set")
    result = run_match_eval(tmp_path / "set", ["tune", "report"], tune=False, progress=False)
    systems = result["splits"]["tune"]
    assert set(systems) == {"matcha", "tfidf (raw)", "tfidf (masked)", "bm25 (raw)", "all-MiniLM (raw)",
                            "multilingual-e5 (raw)"}
    for split, n in (("tune", 2), ("report", 2)):
        figures = result["splits"][split]["matcha"]
        assert figures["cv_cv"]["overall"]["n"] == n
        # A welder's nearest CV is the other welder (in the other language), a nurse's the other nurse; the
        # first ad is the one of the same field.
        assert figures["cv_cv"]["overall"]["mrr"] == 1.0 and figures["cv_ad"]["overall"]["mrr"] == 1.0
        assert figures["cv_cv"]["overall"]["p@5"] == pytest.approx(0.2)  # one relevant CV among the others
    assert set(result["ratio_to_best_baseline"]) == {"tune", "report"}
    page = write_match_report(tmp_path / "match.html", result).read_text(encoding="utf-8")
    assert "data:image/png;base64," in page and "tune · cv→cv · overall" in page
