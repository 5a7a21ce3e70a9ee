"""Blind pooled judging (``eval.judging``): sheets that do not tell where a concept came from, decoys from other
fields only, votes collected into ``judgements.tsv`` and read back by ``eval.cv_sets``."""

import json

import pytest

from eval.cv_sets import JUDGEMENTS, read_cv_set
from eval.judging import collect, pool, write_sheets


def _uris(taxonomy, *labels):
    by_label = {c.label("en"): c.uri for c in taxonomy.of_kind("skill")}
    return [by_label[label] for label in labels]


@pytest.fixture()
def judged_set(resources, tmp_path):
    taxonomy = resources.taxonomy
    java, sql, teams, forklift, load, nursing, blood = _uris(
        taxonomy, "Java (computer programming)", "SQL", "work in teams", "operate forklift", "load cargo",
        "plan nursing care", "take blood samples")
    cvs = {"01_dev": ("dev", "Built APIs in Java and SQL.", [java], {java, sql, teams}),
           "02_warehouse": ("warehouse", "Drove forklifts and loaded trucks.", [forklift], {forklift, load}),
           "03_nurse": ("nurse", "Planned care and took blood samples.", [nursing], {nursing, blood, teams})}
    folder = tmp_path / "set"
    folder.mkdir()
    for cv_id, (field, text, gold, _) in cvs.items():
        (folder / f"{cv_id}.json").write_text(json.dumps({"id": cv_id, "field": field, "text": text,
                                                          "skills": [{"uri": u, "label": ""} for u in gold]}))
    found = {cv_id: spec[3] for cv_id, spec in cvs.items()}
    return taxonomy, folder, found


def test_pool_holds_gold_and_found_and_decoys_only_from_other_fields(judged_set):
    _, folder, found = judged_set
    cvs = read_cv_set(folder)
    items = pool(cvs, found, seed=1)
    assert items == pool(cvs, found, seed=1)  # reproducible
    for cv in cvs:
        sources = dict(items[cv.id])
        assert {u for u, s in sources.items() if s == "gold"} == cv.gold
        assert {u for u, s in sources.items() if s == "found"} == found[cv.id] - cv.gold
        decoys = {u for u, s in sources.items() if s == "decoy"}
        others = set().union(*(found[o.id] for o in cvs if o.field != cv.field))
        assert decoys and decoys <= others - found[cv.id] - cv.gold


def test_sheets_hide_the_source_and_votes_come_back_into_the_set(judged_set, tmp_path):
    taxonomy, folder, found = judged_set
    cvs = read_cv_set(folder)
    items = pool(cvs, found, seed=1)
    sheets, key = tmp_path / "sheets", tmp_path / "secret" / "key.tsv"
    count = write_sheets(cvs, items, taxonomy, sheets, key)
    assert count == sum(len(v) for v in items.values()) and key.exists() and not (sheets / key.name).exists()
    sheet = (sheets / "01_dev.txt").read_text()
    assert "Built APIs in Java and SQL." in sheet and "SQL" in sheet
    assert not any(word in sheet for word in ("gold", "decoy", "found"))
    for cv in cvs:  # judge A says Y to everything of the CV's own field; judge B only to the gold list
        for judge in ("A", "B"):
            lines = [f"{n}\t{'Y' if (source != 'decoy' if judge == 'A' else source == 'gold') else 'N'}\twhy"
                     for n, (_, source) in enumerate(items[cv.id], 1)]
            (sheets / f"{cv.id}.{judge}.tsv").write_text("\n".join(lines) + "\n")
    assert collect(sheets, key, ["A", "B"], folder) == count
    assert collect(sheets, key, ["A", "B"], folder) == 0  # nothing twice
    judged = {cv.id: cv for cv in read_cv_set(folder)}
    dev = judged["01_dev"]
    assert dev.supported == dev.gold  # B said N to the found concepts: not both Y
    assert all(votes == ("Y", "N") for uri, votes in dev.judged.items() if dev.sources[uri] == "found")
    assert pool(list(judged.values()), found, seed=1) == {cv_id: [] for cv_id in judged}  # all judged already
    (sheets / "02_warehouse.B.tsv").write_text("1\tmaybe\t?\n")
    (folder / JUDGEMENTS).unlink()
    with pytest.raises(ValueError, match="not Y or N"):
        collect(sheets, key, ["A", "B"], folder)
