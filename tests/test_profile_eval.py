"""`matcha eval skills --profile` (what `extract` gives, scored as sets) and `--cross-tune` (ranking constants
tuned on one set, reported on another)."""

import json
import subprocess
import sys

import numpy as np

from eval.cv_sets import (JUDGEMENTS, half_of, judging_audit, language_concepts, precision_recall, read_cv_set, score_cvs,
                          score_sentences)
from eval.datasets import Example
from eval.ranking_tuning import GRID, cross_tune, grid
from extractor.concept_ranking import SkillWeights
from tests.conftest import ROOT


def _uri(extractor, label):
    return next(c.uri for c in extractor.r.taxonomy.of_kind("skill") if c.label("en") == label)


def test_precision_recall_by_hand():
    assert precision_recall(2, 4, 8) == {"precision": 0.5, "recall": 0.25, "f1": 0.3333}
    assert precision_recall(0, 0, 3) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_sentences_are_scored_on_the_profile_extract_builds(extractor):
    java, sql = _uri(extractor, "Java (computer programming)"), _uri(extractor, "SQL")
    figures = score_sentences([("Built REST APIs in Java.", {java}), ("Wrote queries in SQL.", {sql}),
                               ("We offer a friendly team.", set())], extractor.extract_text)
    assert figures["n"] == 3 and figures["gold"] == 2
    assert figures["recall"] == 1.0 and figures["found"] >= 2
    assert figures["precision"] == round(2 / figures["found"], 4)


def test_a_language_stated_as_a_fact_counts_where_the_gold_lists_name_languages(extractor):
    concepts = language_concepts(extractor.r.taxonomy)
    assert extractor.r.taxonomy.get(concepts["en"]).label("en") == "English"  # not *write English*
    sentences = [("We expect that you speak and write fluently English.", {concepts["en"]})]
    assert score_sentences(sentences, extractor.extract_text, concepts)["recall"] == 1.0
    assert score_sentences(sentences, extractor.extract_text)["recall"] == 0.0  # a fact, not a skill


def test_cv_set_halves(extractor, tmp_path):
    text = "Experience\n2019-2024 Developer\nBuilt REST APIs in Java and wrote SQL queries.\n"
    java = _uri(extractor, "Java (computer programming)")
    for name in ("03_dev", "14_dev"):
        (tmp_path / f"{name}.json").write_text(json.dumps(
            {"id": name, "field": "dev", "text": text, "skills": [{"uri": java, "label": "Java"}]}))
    scored = score_cvs(read_cv_set(tmp_path), extractor.extract_text)
    assert set(scored["figures"]) == {"tuning", "reporting", "all"}
    assert scored["figures"]["tuning"]["recall"] == scored["figures"]["reporting"]["recall"] == 1.0
    (tmp_path / "TRAINING").write_text("training data: every CV is in the tuning half\n")
    assert {half_of(cv) for cv in read_cv_set(tmp_path)} == {"tuning"}


def test_cv_sets_are_scored_on_the_text_the_service_reads(extractor, tmp_path):
    """The service masks personal details before extraction (``matcha.document_reader``); scoring does the same, so
    the figures are those of what users get."""
    text = ("Amina Yusuf\namina.yusuf@example.se\nSomalisk medborgare\n\nExperience\n"
            "2019-2024 Developer in Mogadishu\nBuilt REST APIs in Java.\n")
    (tmp_path / "05_dev.json").write_text(json.dumps({"id": "05_dev", "field": "dev", "text": text, "skills": []}))
    read = []
    score_cvs(read_cv_set(tmp_path), lambda t: read.append(t) or extractor.extract_text(t))
    assert len(read) == 1
    for detail in ("Amina", "Yusuf", "amina.yusuf@example.se", "Somalisk", "Mogadishu"):
        assert detail not in read[0], detail
    assert "Built REST APIs in Java." in read[0]


def test_judged_precision_counts_concepts_every_judge_accepted_and_nothing_unseen(extractor, tmp_path):
    text = "Experience\n2019-2024 Developer\nBuilt REST APIs in Java, wrote SQL queries and unit tests in Python.\n"
    java = _uri(extractor, "Java (computer programming)")
    found = [s.uri for s in extractor.extract_text(text).skills]
    others = [uri for uri in found if uri != java]
    assert java in found and len(others) >= 3
    decoy = _uri(extractor, "operate forklift")
    (tmp_path / "01_dev.json").write_text(json.dumps(
        {"id": "01_dev", "field": "dev", "text": text, "skills": [{"uri": java, "label": "Java"}]}))
    # others[0]: both judges Y (right); others[1]: the judges disagree (wrong); the rest were never judged.
    rows = ["id\turi\tlabel\tsource\tjudge_a\tjudge_b", f"01_dev\t{java}\tJava\tgold\tY\tY",
            f"01_dev\t{others[0]}\tx\tfound\tY\ty", f"01_dev\t{others[1]}\tx\tfound\tY\tN",
            f"01_dev\t{decoy}\toperate forklift\tdecoy\tN\tN"]
    (tmp_path / JUDGEMENTS).write_text("\n".join(rows) + "\n")
    cvs = read_cv_set(tmp_path)
    figures = score_cvs(cvs, extractor.extract_text)["figures"]["all"]
    assert figures["precision"] == round(1 / len(found), 4)
    assert figures["judged_precision"] == round(2 / len(found), 4)
    assert figures["unjudged"] == len(found) - 3
    point = figures["judged_precision"]
    assert figures["judged_precision_ci95"] == (point, point)  # one CV: nothing to resample
    # Pooled recall: of the concepts known right (the gold Java and the one both judges accepted), both are found.
    assert figures["pooled_recall"] == 1.0
    audit = judging_audit(cvs)
    assert audit["gold_yes_judge_a"] == audit["gold_yes_judge_b"] == 1.0
    assert audit["decoy_yes_judge_a"] == 0.0 and audit["found_yes_judge_b"] == 0.5
    assert audit["agreement"] == 0.75 and -1.0 <= audit["kappa"] < 1.0


def test_a_match_sets_ads_are_read_as_the_service_reads_ads_and_judged_like_cvs(extractor, tmp_path):
    body = "Vi söker en svetsare till vår verkstad i Oslo.\nKrav\n- MIG/MAG-svetsning\n- läsa ritningar"
    for number, split in ((1, "tune"), (2, "report")):
        (tmp_path / f"ad_sv_welder_0{number}.json").write_text(json.dumps(
            {"id": f"ad_sv_welder_0{number}", "lang": "sv", "field": "welder", "split": split,
             "title": "Svetsare", "employer": "Verkstad AB", "text": body}))
    ads = read_cv_set(tmp_path)
    assert [half_of(ad) for ad in ads] == ["tuning", "reporting"]
    assert all(ad.ad and not ad.gold for ad in ads)
    # Title first, as matcha.document_reader.ad_text builds it; an ad is not masked (a CV's "Oslo" would be).
    assert ads[0].served_text == "Svetsare\n\n" + body
    found = {s.uri for s in extractor.extract_text(ads[0].served_text).skills}
    assert found
    right = sorted(found)[0]
    rows = ["id\turi\tlabel\tsource\tjudge_a\tjudge_b"] + [
        f"{ad.id}\t{uri}\tx\tfound\t{'Y' if uri == right else 'N'}\t{'Y' if uri == right else 'N'}"
        for ad in ads for uri in found]
    (tmp_path / JUDGEMENTS).write_text("\n".join(rows) + "\n")
    figures = score_cvs(read_cv_set(tmp_path), extractor.extract_text)["figures"]
    assert figures["tuning"]["judged_precision"] == round(1 / len(found), 4)
    assert figures["tuning"]["pooled_recall"] == 1.0 and figures["tuning"]["recall"] == 0.0  # no gold list
    # Both ads read alike: resampling them cannot move the figure; no gold list: no recall to resample.
    assert figures["all"]["judged_precision_ci95"] == (figures["all"]["judged_precision"],) * 2
    assert figures["all"]["recall_ci95"] == (0.0, 0.0)


def test_cross_tuning_reports_each_set_with_the_other_sets_weights(extractor):
    sets = {}
    for name, pairs in {"a": [("Experience caring for elderly patients in a nursing home", "tend to elderly people"),
                              ("You weld with MIG and TIG", "perform metal inert gas welding")],
                        "b": [("Java and Javascript preferable", "JavaScript"),
                              ("Drive a forklift in the warehouse", "operate forklift")]}.items():
        examples = [Example(text, {_uri(extractor, label)}, {label}) for text, label in pairs]
        sets[name] = (examples, extractor.ranker.skill_candidates([e.query for e in examples], k=10, fusion=True))
    rows = cross_tune(sets)
    rankings = ["main model alone", "second model alone", "fusion"] if extractor.r.skill_fusion else ["main model"]
    assert [(row["ranking"], row["tuned_on"]) for row in rows] == [
        *((ranking, name) for ranking in rankings for name in ("a", "b")), ("settings", "shipped constants")]
    for row in rows:
        assert set(row) == {"tuned_on", "ranking", "weights", "rp@5 a", "rp@5 b"}
        assert all(0.0 <= row[f"rp@5 {name}"] <= 1.0 for name in sets)
    assert all(row["weights"][key] in GRID[key] for row in rows[:-1] for key in GRID)
    assert {row["weights"]["fusion"] for row in rows if row["ranking"] == "main model alone"} <= {0.0}
    assert {row["weights"]["fusion"] for row in rows if row["ranking"] == "second model alone"} <= {1.0}
    # the fusion's grid holds both models' own: on the set it was tuned on, it scores at least as well as either
    for name in sets:
        tuned = {row["ranking"]: row[f"rp@5 {name}"] for row in rows if row["tuned_on"] == name}
        assert tuned.get("fusion", 1.0) >= max(tuned.values())
    # The shipped constants rank exactly as rank_skills does.
    ranked = extractor.rank_skills([e.query for e in sets["a"][0]], k=10)
    assert [hits[0].uri for hits in ranked] == [c.top(SkillWeights(), 10)[0].uri for c in sets["a"][1]]


def test_the_cross_tuning_grid_includes_the_fusion_weight():
    weights = grid()
    assert {w.fusion for w in weights} == set(GRID["fusion"]) and {0.0, 1.0} < set(GRID["fusion"])
    assert len(weights) == np.prod([len(values) for values in GRID.values()])
    assert {w.fusion for w in grid((1.0,))} == {1.0}


def test_profile_cli_explains_bad_options(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "skills", *args], capture_output=True,
                              cwd=ROOT, timeout=120)

    for args, message in [(["--profile"], b"--profile needs"), (["--set", str(tmp_path)], b"--set is scored"),
                          (["--profile", "--set", str(tmp_path / "nope")], b"not found"),
                          (["--cross-tune", "--decorte", str(ROOT / "README.md")], b"two or more")]:
        result = run(*args)
        assert result.returncode == 2 and message in result.stderr and b"Traceback" not in result.stderr, args


def test_sets_scored_together_pool_their_cvs(extractor, tmp_path):
    from eval.runner import _cv_set_results

    java, sql = _uri(extractor, "Java (computer programming)"), _uri(extractor, "SQL")
    texts = {"a": ("11_dev", "Experience\n2019-2024 Developer\nBuilt REST APIs in Java and wrote SQL queries.\n"),
             "b": ("12_analyst", "Experience\n2020-2024 Analyst\nAutomated the monthly sales figures with SQL.\n")}
    for name, (cv_id, text) in texts.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{cv_id}.json").write_text(json.dumps(
            {"id": cv_id, "field": name, "text": text, "skills": [{"uri": java, "label": "Java"},
                                                                  {"uri": sql, "label": "SQL"}]}))
    folders = [tmp_path / "a", tmp_path / "b"]
    alone, _ = _cv_set_results(folders, extractor)
    assert not any(name.startswith("pooled") for name in alone)
    results, _ = _cv_set_results(folders, extractor, pooled=True)
    pooled = results["pooled (all)"]["matcha"]
    assert pooled["n"] == 2 and results["pooled (reporting)"]["matcha"]["n"] == 2 and pooled["recall"] > 0
    found = {name: results[f"{name} (all)"]["matcha"] for name in texts}
    # Recall over both CVs' gold lists (four concepts): the sum of what each set found, over four.
    assert pooled["recall"] == round(sum(f["recall"] * 2 for f in found.values()) / 4, 4)
    low, high = pooled["recall_ci95"]
    assert low <= pooled["recall"] <= high
