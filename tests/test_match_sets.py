"""Format of eval/data/match_sets: every file parses, keys and values are valid, counts are as documented."""
import json
import re
from collections import Counter

import pytest

from tests.conftest import ROOT

SETS = ROOT / "eval" / "data" / "match_sets"
MANIFEST = json.loads((SETS / "fields.json").read_text(encoding="utf-8"))
FIELDS = {field["slug"] for field in MANIFEST["fields"]}
CV_KEYS = {"id", "lang", "field", "split", "text"}
AD_KEYS = CV_KEYS | {"title", "employer", "kind", "municipality"}


def _load(kind: str) -> list[dict]:
    records = []
    for path in sorted((SETS / kind).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record.get("id") == path.stem, path.name
        records.append(record)
    return records


CVS = _load("cvs")
ADS = _load("ads")


def _number(record: dict) -> int:
    return int(record["id"].rsplit("_", 1)[1])


def test_manifest_is_consistent_with_readme():
    assert len(FIELDS) == len(MANIFEST["fields"]) >= 16
    readme = (SETS / "README.md").read_text(encoding="utf-8")
    for field in MANIFEST["fields"]:
        assert f"`{field['slug']}`" in readme
        assert set(field["neighbours"]) <= FIELDS - {field["slug"]}


@pytest.mark.parametrize("kind,records,keys,optional", [("cv", CVS, CV_KEYS, {"note"}), ("ad", ADS, AD_KEYS, set())])
def test_records_have_valid_keys_and_values(kind, records, keys, optional):
    assert records
    for record in records:
        assert keys <= set(record) <= keys | optional, record["id"]
        prefix = "ad_" if kind == "ad" else ""
        assert re.fullmatch(rf"{prefix}(sv|en)_[a-z_]+_\d\d", record["id"]), record["id"]
        assert record["id"] == f"{prefix}{record['lang']}_{record['field']}_{_number(record):02d}"
        assert record["lang"] in {"sv", "en"} and record["field"] in FIELDS
        assert all(isinstance(record[key], str) and record[key].strip() for key in keys)
        words = len(record["text"].split())
        assert (120 <= words <= 450) if kind == "cv" else (80 <= words <= 300), (record["id"], words)


def test_ads_have_kind_and_municipality():
    assert {ad["kind"] for ad in ADS} == {"job", "traineeship"}
    assert all(ad["municipality"][0].isupper() for ad in ADS)


def test_ids_are_unique_across_the_set():
    ids = [record["id"] for record in CVS + ADS]
    assert len(ids) == len(set(ids))


# Split rule: CVs 01-02 of each field and language are "tune", 03-04 "report"; ads 01 "tune", 02 "report".
@pytest.mark.parametrize("records,per_lang,last_tune", [(CVS, MANIFEST["cvs_per_field_and_lang"], 2),
                                                        (ADS, MANIFEST["ads_per_field_and_lang"], 1)])
def test_counts_and_split_rule_per_field_and_language(records, per_lang, last_tune):
    for record in records:
        assert record["split"] == ("tune" if _number(record) <= last_tune else "report"), record["id"]
    counts = Counter((r["field"], r["lang"], r["split"]) for r in records)
    for field in FIELDS:
        for lang in ("sv", "en"):
            numbers = sorted(_number(r) for r in records if r["field"] == field and r["lang"] == lang)
            assert numbers == list(range(1, per_lang + 1)), (field, lang, numbers)
            if per_lang == 2 * last_tune:  # the full set: exactly half of each field and language per split
                assert counts[field, lang, "tune"] == counts[field, lang, "report"] == last_tune
