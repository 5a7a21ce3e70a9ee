"""`matcha eval match`: reading labelled collections, the text baselines, and a run on a tiny collection through
the real MatchingService (scratch store), with its JSON figures and HTML report."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from eval.match_sets import (MatchSetError, bm25_similarity, read_labelled_csv, read_match_set, tfidf_similarity,
                             top_ids)
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


def _write_csv(path, rows, header=("Category", "Resume"), delimiter=","):  # noqa: ANN001
    import csv

    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_reading_a_labelled_csv_of_resumes(tmp_path):
    # The shape of public resume sets: a category and a multi-line text per row, rows repeated with other spacing.
    java = "Skills: Java, Spring Boot, Hibernate\nSkill Details\nJava- Exprience - 24 months\nCompany Details\n" \
           "company - Infosys\ndescription - Wrote REST services in Java, unit tests with JUnit."
    rows = [("Java Developer", java), ("Java Developer", java.replace("\n", "\n  ")),  # the same CV, other spacing
            ("HR", "Recruitment and onboarding of new staff; payroll, employee relations."),
            ("Testing", ""),  # no text
            ("", "A row without a label."),
            ("Svetsare", WELDER_SV), ("Java Developer ", "Senior developer: Java, Kotlin, microservices, Docker."),
            ("Nurse", 'Assistant nurse\n• morning care, "hygiene" and meals\n• blood sampling; vital signs\t(ward 3)')]
    docs, notes = read_labelled_csv(_write_csv(tmp_path / "resumes.csv", rows))
    assert [d.field for d in docs] == ["Java Developer", "HR", "Svetsare", "Java Developer", "Nurse"]
    assert [d.text for d in docs] == [rows[i][1].strip() for i in (0, 2, 5, 6, 7)]  # quotes, lines, delimiters kept
    assert [d.lang for d in docs] == ["en", "en", "sv", "en", "en"]
    assert len({d.id for d in docs}) == 5 and all(d.split in ("tune", "report") for d in docs)
    assert "5 CVs over 4 labels from 8 rows" in notes[0] and "2 without text or label" in notes[0]
    assert "1 repeating an earlier row" in notes[0]
    # The same text gets the same id and split in every run and in every copy of the file (another delimiter too).
    again, _ = read_labelled_csv(_write_csv(tmp_path / "copy.csv", rows, delimiter=";"))
    assert [(d.id, d.split) for d in again] == [(d.id, d.split) for d in docs]
    # Other column names, and the texts of a whole folder of CVs do not clash with a CSV's.
    named, _ = read_labelled_csv(_write_csv(tmp_path / "named.csv", rows, header=("field", "text")), "text", "field")
    assert [d.text for d in named] == [d.text for d in docs]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"Category,Text\nHR,payroll\n", "no column 'Resume'; its columns are 'Category', 'Text'"),
    (b"Category,Resume\nHR,payroll\nHR,recruitment\n", "2 CVs with 1 labels"),
    (b"Category,Resume\n", "0 CVs"),
    (b"", "empty"),
    (b"\xff\xfe\x00C\x00a\x00t", "not a readable UTF-8 CSV file"),
    (b"Category,Resume\x00\nHR,payroll\n", "not a text file"),
])
def test_a_labelled_csv_that_cannot_be_read_says_why(tmp_path, content, message):
    path = tmp_path / "resumes.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MatchSetError, match=message):
        read_labelled_csv(path)


def test_eval_match_cli_with_a_labelled_csv_says_what_is_wrong(tmp_path):
    path = _write_csv(tmp_path / "resumes.csv", [("HR", "payroll")], header=("Category", "Text"))
    too_long = _write_csv(tmp_path / "long.csv", [("HR", "payroll and recruitment"), ("Dev", "Java " * 50_000)])
    for args, message in ((["--csv", str(path)], b"no column 'Resume'"), ([], b"--set FOLDER or --csv FILE"),
                          (["--csv", str(path), "--set", str(tmp_path)], b"--set FOLDER or --csv FILE"),
                          (["--csv", str(too_long), "--no-tune"], b"cannot be read: the text has 249999 characters")):
        result = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "match", *args],
                                capture_output=True, cwd=ROOT, timeout=300)
        assert result.returncode != 0 and message in result.stderr, result.stderr
        assert b"Traceback" not in result.stderr


def test_eval_match_runs_on_a_labelled_csv_cv_to_cv_only(tmp_path):
    welder_en_2 = ("Welder. MIG/MAG and TIG welding of stainless steel pipes; I read welding drawings and follow "
                   "WPS. Certified EN ISO 9606-1.")
    nurse_en_2 = "Nurse on a medical ward: medication administration, wound care, patient records, IV lines."
    rows = [("Welder", WELDER_SV), ("Welder", WELDER_EN), ("Welder", welder_en_2),
            ("Nurse", NURSE_SV), ("Nurse", NURSE_EN), ("Nurse", nurse_en_2)]
    path = _write_csv(tmp_path / "cvs.csv", rows, header=("label", "cv"))
    run = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "match", "--csv", str(path), "--text-column",
                          "cv", "--label-column", "label", "--no-tune", "--json", "--report",
                          str(tmp_path / "match.html")], capture_output=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert result["notes"][0] == "cvs.csv: 6 CVs over 2 labels from 6 rows"
    assert "6 CVs and 0 ads over 2 fields" in result["notes"][1]
    seen = 0
    for split, systems in result["splits"].items():
        assert set(systems) == {"matcha", "tfidf (raw)", "tfidf (masked)", "bm25 (raw)", "all-MiniLM (raw)",
                                "multilingual-e5 (raw)"}
        assert all(set(directions) == {"cv_cv"} for directions in systems.values())  # no ads: CV->CV only
        figures = systems["matcha"]["cv_cv"]["overall"]
        seen += figures["n"]
        # Two CVs of the same field among five others: the nearest CV is of the same field, in either language.
        assert figures["mrr"] == 1.0 and figures["p@5"] == pytest.approx(0.4)
        assert set(result["ratio_to_best_baseline"][split]) == {"matcha cv_cv"}
    assert seen == 6
    page = (tmp_path / "match.html").read_text(encoding="utf-8")
    assert "cv→cv · overall" in page and "cv→ad" not in page
