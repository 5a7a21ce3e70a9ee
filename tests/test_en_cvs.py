"""The English CV set (eval/data/en_cvs): well-formed files whose gold entries name real ESCO skills.

Needs only the built taxonomy (no model): every gold URI is a skill in it, every label is that skill's English
preferred label, every evidence is an exact substring of the CV text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.cv_sets import half_of, read_cv_set

ROOT = Path(__file__).resolve().parent.parent
EN_CVS = ROOT / "eval" / "data" / "en_cvs"
FILES = sorted(EN_CVS.glob("*.json"))


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


EXPECTED = 20  # 01-10 tuning half, 11-20 reporting half


def test_set_is_numbered_one_cv_per_field_and_split_in_halves():
    cvs = read_cv_set(EN_CVS)
    ids = [cv.id for cv in cvs]
    assert len(set(ids)) == len(ids) == EXPECTED
    assert [int(i[:2]) for i in ids] == list(range(1, EXPECTED + 1))
    assert len({cv.field for cv in cvs}) == EXPECTED
    halves = [half_of(cv) for cv in cvs]
    assert halves.count("tuning") == min(EXPECTED, 10) and halves.count("reporting") == EXPECTED - min(EXPECTED, 10)
    assert all(cv.gold and len(cv.gold) == len(cv.labels) for cv in cvs)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_is_well_formed(path):
    data = _load(path)
    assert set(data) == {"id", "field", "text", "skills"}
    assert data["id"] == path.stem and data["field"].strip() and data["text"].strip()
    uris = [s["uri"] for s in data["skills"]]
    assert len(uris) == len(set(uris)), "a skill is listed twice"
    for skill in data["skills"]:
        assert set(skill) == {"uri", "label", "evidence"}
        assert skill["evidence"].strip() and skill["evidence"] in data["text"], skill


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_gold_entries_are_esco_skills_with_their_preferred_label(path, taxonomy):
    for skill in _load(path)["skills"]:
        concept = taxonomy.get(skill["uri"])
        assert concept is not None, f"{skill['uri']} is not in the taxonomy"
        assert concept.kind == "skill", f"{skill['uri']} is a {concept.kind}"
        assert skill["label"] == concept.labels.get("en"), (skill["label"], concept.labels.get("en"))
