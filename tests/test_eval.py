import json
import subprocess
import sys

import pytest

from eval.intervals import ratio_interval
from eval.metrics import occupation_metrics, r_precision_at, reciprocal_rank, skill_metrics
from eval.report import _intervals, write_report
from tests.conftest import ROOT, SHARED


def test_metrics_by_hand():
    assert r_precision_at(["a", "x", "b"], {"a", "b"}, 5) == 0.5   # top-2: a, x
    assert r_precision_at(["x"] * 4 + ["a"], {"a"}, 5) == 0.0
    assert reciprocal_rank(["x", "y", "a"], {"a"}) == pytest.approx(1 / 3)
    figures = skill_metrics([["a", "b"], ["x", "a"], ["z"]], [{"a"}, {"a"}, set()])
    assert figures == {"rp@5": 0.5, "rp@10": 0.5, "mrr": 0.75, "n": 2}
    figures = occupation_metrics([["a"], ["x"] * 9 + ["b"], ["y"] * 10 + ["c"]], [{"a"}, {"b"}, {"c"}])
    assert figures["acc@1"] == 0.3333  # rounded to 4 places
    assert figures["success@10"] == 0.6667


def test_report_has_table_and_plot(tmp_path):
    path = write_report(tmp_path / "r.html", "t", {"bench": {"matcha": {"rp@5": 0.4, "mrr": 0.5, "n": 3},
                                                            "peer": {"rp@5": 0.2, "mrr": 0.3, "n": 3}}}, ["note"])
    page = path.read_text()
    assert "<table>" in page and "data:image/png;base64," in page and "peer" in page


def test_a_ratio_over_documents_has_an_interval_from_resampling_the_documents():
    # Every document at 0.8: however the documents are drawn, the ratio is 0.8.
    assert ratio_interval([8, 4, 16], [10, 5, 20]) == (0.8, 0.8)
    right, found = [9, 6, 10, 4, 8], [10, 10, 11, 8, 9]
    low, high = ratio_interval(right, found)
    assert low < sum(right) / sum(found) < high and 0.0 <= low and high <= 1.0
    assert ratio_interval(right, found) == (low, high)  # a fixed seed: the same data, the same interval
    # Four times as many documents of the same kind: about half as wide.
    low4, high4 = ratio_interval(right * 4, found * 4)
    assert 0.3 < (high4 - low4) / (high - low) < 0.7
    assert ratio_interval([3], [4]) == (0.75, 0.75)  # one document: nothing to resample
    assert ratio_interval([0, 0], [0, 0]) == (0.0, 0.0)


def test_report_shows_intervals_in_the_table_and_as_error_bars(tmp_path):
    figures = {"judged_precision": 0.8, "judged_precision_ci95": (0.7, 0.9), "recall": 0.5, "n": 3}
    page = write_report(tmp_path / "r.html", "t", {"set": {"matcha": figures}}, []).read_text()
    assert "<td>0.7–0.9</td>" in page and "data:image/png;base64," in page
    # An error bar on judged precision's bar (the first plotted), none on recall's.
    assert _intervals(figures, ["judged_precision", "recall"]) == [(0, 0.8, pytest.approx(0.1), pytest.approx(0.1))]


@pytest.mark.shared
@pytest.mark.skipif(not SHARED.exists(), reason="../shared benchmark data not present")
def test_benchmarks_on_shared_data_run_and_report(tmp_path):
    report = tmp_path / "skills.html"
    result = subprocess.run([sys.executable, "-m", "matcha.cli", "eval", "skills", "--decorte",
                             str(SHARED / "decorte-skill-extraction" / "house_validation_annotations.csv"),
                             "--json", "--report", str(report)], capture_output=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["n"] > 50 and 0.0 < figures["rp@5"] <= 1.0
    assert report.exists()
