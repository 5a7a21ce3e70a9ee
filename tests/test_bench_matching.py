"""The matching benchmark runs end to end on a small store (its figures are printed, not asserted as speeds):
ads with their whole-text vectors, stored query CVs, both indexes searched, recall against exact search."""

import json


def test_bench_runs_on_a_small_store_and_reports_both_indexes(tmp_path, resources):
    from eval.bench_matching import run_bench

    [result] = run_bench([600], queries=12, keep=tmp_path, backend="faiss")
    assert result["ads"] == 600 and result["queries"] == 12
    assert result["index"] == "flat" and result["recall@10"] == 1.0 and result["text_recall@10"] == 1.0
    assert result["filtered_recall@10"] == 1.0 and result["text_filtered_recall@10"] == 1.0
    assert 0 < result["text_index_bytes"] < result["index_bytes"]
    assert result["p50_ms"] > 0 and result["service_peak_rss_mb"] > 0
    assert json.loads((tmp_path / "results.jsonl").read_text().splitlines()[-1])["ads"] == 600
