"""The labelled CV sets (eval/data/en_cvs, sv_cvs, *_b, *_t, *_c, sv_cvs_t2): well-formed files whose gold entries
name real ESCO skills.

Needs only the built taxonomy (no model): every gold URI is a skill in it, every label is that skill's English
preferred label, every evidence is an exact substring of the CV text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cv_sets import half_of, read_cv_set

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "eval" / "data"
# set -> (number of CVs, first id): en_cvs and sv_cvs have a tuning half (01-10) and a reporting half (11-20);
# sv_cvs_b and en_cvs_b (21-40) are held out whole; en_cvs_t and sv_cvs_t (41-) and sv_cvs_t2 (71-90) are training
# data (a TRAINING file);
# en_cvs_c and sv_cvs_c (61-70) are held out whole, written after the model they measure was frozen.
SETS = {"en_cvs": (20, 1), "sv_cvs": (20, 1), "sv_cvs_b": (20, 21), "en_cvs_b": (20, 21), "en_cvs_t": (20, 41),
        "sv_cvs_t": (10, 41), "en_cvs_c": (10, 61), "sv_cvs_c": (10, 61), "sv_cvs_t2": (20, 71)}
FILES = [path for name in SETS for path in sorted((DATA / name).glob("*.json"))]


@pytest.fixture(scope="module")
def taxonomy():
    from core.settings import get_settings
    from taxonomy.store import TaxonomyNotBuilt, load_taxonomy

    try:
        return load_taxonomy(get_settings().taxonomy_dir)
    except TaxonomyNotBuilt as exc:
        pytest.skip(str(exc))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SETS)
def test_set_is_numbered_one_cv_per_field_and_split_in_halves(name):
    expected, first = SETS[name]
    cvs = read_cv_set(DATA / name)
    ids = [cv.id for cv in cvs]
    assert len(set(ids)) == len(ids) == expected
    assert [int(i[:2]) for i in ids] == list(range(first, first + expected))
    assert len({cv.field for cv in cvs}) == expected
    tuning = sum(1 for cv in cvs if half_of(cv) == "tuning")
    assert tuning == (expected if (DATA / name / "TRAINING").exists() else 10 if first == 1 else 0)
    assert all(cv.gold and len(cv.gold) == len(cv.labels) for cv in cvs)


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_file_is_well_formed(path):
    data = _load(path)
    assert set(data) == {"id", "field", "text", "skills"}
    assert data["id"] == path.stem and data["field"].strip() and data["text"].strip()
    uris = [s["uri"] for s in data["skills"]]
    assert len(uris) == len(set(uris)), "a skill is listed twice"
    for skill in data["skills"]:
        assert set(skill) == {"uri", "label", "evidence"}
        assert skill["evidence"].strip() and skill["evidence"] in data["text"], skill


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_gold_entries_are_esco_skills_with_their_preferred_label(path, taxonomy):
    for skill in _load(path)["skills"]:
        concept = taxonomy.get(skill["uri"])
        assert concept is not None, f"{skill['uri']} is not in the taxonomy"
        assert concept.kind == "skill", f"{skill['uri']} is a {concept.kind}"
        assert skill["label"] == concept.labels.get("en"), (skill["label"], concept.labels.get("en"))
