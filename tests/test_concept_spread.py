"""`matcha eval spread`: how widely each concept is found in a collection's profiles (no gold lists needed)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from eval.concept_spread import concept_spread
from extractor.profile import ConceptMatch, Evidence
from tests.conftest import ROOT


def _skill(uri: str, *texts: str) -> ConceptMatch:
    return ConceptMatch(uri=uri, label=uri.upper(), confidence=0.9,
                        evidence=[Evidence(start=0, end=len(t), text=t) for t in texts])


def test_spread_counts_cvs_fields_and_evidence_once_per_cv():
    profiles = [("dev", [_skill("a", "Skill Details"), _skill("a", "skill  details"), _skill("java", "Java")]),
                ("dev", [_skill("a", "Skill Details"), _skill("java", "Java", "java")]),
                ("hr", [_skill("a", "Skill Details", "Skills")]),
                ("hr", [])]
    spread = concept_spread(profiles)
    assert (spread["cvs"], spread["fields"], spread["concepts"], spread["in_half_of_cvs_or_more"]) == (4, 2, 2, 2)
    assert spread["skills_per_cv"] == 1.25  # 2 + 2 + 1 + 0 distinct concepts over 4 CVs
    first, second = spread["concept_list"]
    assert (first["uri"], first["cvs"], first["cv_share"], first["fields"], first["field_share"]) == ("a", 3, 0.75, 2, 1.0)
    assert first["top_fields"] == [("dev", 2), ("hr", 1)]
    assert first["evidence"] == [("skill details", 3), ("skills", 1)]  # spacing and case aside, once per CV
    assert (second["uri"], second["cvs"], second["fields"], second["evidence"]) == ("java", 2, 1, [("java", 2)])
    assert concept_spread([])["concept_list"] == []


def test_eval_spread_reads_a_labelled_csv_and_lists_the_widest_concepts(tmp_path):
    rows = [("Java Developer", "Experience\n2019-2024 Developer\nBuilt REST APIs in Java and wrote SQL queries."),
            ("Java Developer", "Experience\nJava developer: Spring Boot services in Java, SQL databases."),
            ("Data Analyst", "Experience\nAnalysed sales data with SQL and Python; dashboards in Power BI."),
            ("Data Analyst", "Experience\nWrote SQL reports and Python scripts for the finance team."),
            ("Data Analyst", "SQL " * 60_000)]  # beyond what the service reads: counted, not read
    path = tmp_path / "resumes.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("Category", "Resume"), *rows])
    run = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "spread", "--csv", str(path), "--json"],
                         capture_output=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    spread = json.loads(run.stdout)
    assert (spread["cvs"], spread["fields"]) == (4, 2)
    assert spread["notes"][0] == "resumes.csv: 5 CVs over 2 labels from 5 rows"
    assert spread["notes"][1] == ("1 CVs not read, as the service would refuse them: the text has 239999 "
                                  "characters; the limit is 200000")  # the text stripped of its last space
    by_label = {c["label"]: c for c in spread["concept_list"]}
    assert by_label["SQL"]["cvs"] == 4 and by_label["SQL"]["field_share"] == 1.0  # named in every CV
    assert spread["concept_list"][0]["label"] == "SQL"
    assert by_label["SQL"]["evidence"][0][0] == "sql"
    # The text report prints the widest first; a bad file says why.
    text = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "spread", "--csv", str(path), "--top", "1"],
                          capture_output=True, cwd=ROOT, timeout=600)
    assert text.returncode == 0 and text.stdout.decode().splitlines()[2].split("\t")[:4] == ["4", "1.00", "2/2",
                                                                                             "SQL"]
    bad = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "spread", "--csv", str(tmp_path / "no.csv")],
                         capture_output=True, cwd=ROOT, timeout=300)
    assert bad.returncode != 0 and b"no such file" in bad.stderr and b"Traceback" not in bad.stderr
