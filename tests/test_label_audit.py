"""ESCO labels audited as not matched in text (``taxonomy.label_audit``): one-word labels that, alone in a CV or ad,
mostly mean something else than their skill stay names of the concept but are no patterns and no label vectors."""

import json
import subprocess
import sys
from pathlib import Path

from extractor.mentions import PhraseIndex
from taxonomy.label_audit import UnmatchedWord, apply_unmatched, read_unmatched
from taxonomy.model import Concept, Taxonomy
from taxonomy.search import search_labels
from taxonomy.shared_labels import shared_alternative_labels

PACKAGING = "http://data.europa.eu/esco/skill/b8ac179c-4a29-4467-9177-031daf1321d6"


def _taxonomy() -> Taxonomy:
    taxonomy = Taxonomy("t", "1", "test")
    taxonomy.concepts["u:pack"] = Concept("u:pack", "skill", {"en": "packaging engineering"},
                                         {"en": ["packing", "packaging technology"]})
    taxonomy.concepts["u:laser"] = Concept("u:laser", "skill", {"en": "lasers"})
    return taxonomy


def test_an_unmatched_label_stays_a_name_but_is_no_label_entry():
    taxonomy = _taxonomy()
    marked = apply_unmatched(taxonomy, [UnmatchedWord("en", "Packing", "u:pack", "alternative"),
                                        UnmatchedWord("en", "packing", "u:laser", "alternative"),
                                        UnmatchedWord("en", "lasers", "u:laser", "preferred")])
    assert marked == 2  # the row naming a label u:laser does not have is not applied
    entries = {(e.uri, e.text) for e in taxonomy.label_entries("skill")}
    assert entries == {("u:pack", "packaging engineering"), ("u:pack", "packaging technology")}
    assert taxonomy.get("u:pack").labels_in("en") == ["packaging engineering", "packing", "packaging technology"]
    assert taxonomy.matched_labels("u:pack", "en") == ["packaging engineering", "packaging technology"]
    # A concept whose every label is unmatched is still grounded on its name.
    assert taxonomy.matched_labels("u:laser", "en") == ["lasers"]
    assert taxonomy.matched_labels("u:none", "en") == []


def test_a_dropped_pattern_goes_but_its_label_still_matches():
    taxonomy = Taxonomy("t", "1", "test")
    taxonomy.concepts["u:birth"] = Concept("u:birth", "skill", {"en": "assist animal birth"}, {"en": ["lambing"]})
    taxonomy.concepts["u:us"] = Concept("u:us", "skill", {"en": "perform ultrasound"}, {"en": ["use ultrasound"]})
    before = PhraseIndex(taxonomy, languages=("en",)).targets["en"]
    assert {"lamb", "ultrasound", "use ultrasound"} <= set(before)  # "lambing" is matched by its base form
    apply_unmatched(taxonomy, [UnmatchedWord("en", "lamb", "u:birth", "word form"),
                               UnmatchedWord("en", "ultrasound", "u:us", "tool object")])
    after = PhraseIndex(taxonomy, languages=("en",)).targets["en"]
    assert "lamb" not in after and "ultrasound" not in after
    assert set(before) - set(after) == {"lamb", "ultrasound"}
    assert len(taxonomy.label_entries("skill")) == 4  # the labels keep their vectors


def test_every_audited_word_is_marked_in_the_taxonomy(resources):
    rows = read_unmatched()
    assert len(rows) > 300
    marked = resources.taxonomy.unmatched | resources.taxonomy.unmatched_patterns
    # Besides the audited words, only the alternative labels that name a more general skill (taxonomy/shared_labels.py).
    shared = {(uri, lang, text.casefold()) for uri, lang, text in shared_alternative_labels(resources.taxonomy)}
    assert marked == {(row.uri, row.lang, row.text.casefold()) for row in rows} | shared
    assert (PACKAGING, "en", "packing") in resources.taxonomy.unmatched
    assert "packing" in resources.taxonomy.get(PACKAGING).labels_in("en")


def _skills(extractor, text: str) -> set[str]:
    return {c.label for c in extractor.extract_text(text).skills}


def test_audited_words_give_no_skill_of_another_sense(extractor):
    # Written for this test; none is from a labelled set.
    assert "packaging engineering" not in _skills(extractor, "Lagerarbete: plock och pack, truckkörning.")
    assert "packaging engineering" not in _skills(extractor, "Picking and packing of customer orders.")
    assert "Scratch (computer programming)" not in _skills(
        extractor, "Built the booking service from scratch in Python.")
    unity = _skills(extractor, "Game developer: built two mobile games in Unity and C#.")
    assert "design principles" not in unity
    assert {"Unity (digital game creation systems)", "C#"} <= unity  # the tool's own sense stays


def test_a_label_the_audit_kept_still_matches(extractor):
    assert "Python (computer programming)" in _skills(extractor, "Built the booking service from scratch in Python.")
    assert "use online tools to collaborate" in _skills(extractor, "Planned the team's work in Asana and Confluence.")


def test_taxonomy_info_counts_the_words_not_matched_in_text(resources):
    done = subprocess.run([sys.executable, "-m", "matcha.cli", "taxonomy", "info"], capture_output=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-500:]
    counts = json.loads(done.stdout)["not_matched_in_text"]
    taxonomy = resources.taxonomy
    assert counts == {"labels": len(taxonomy.unmatched), "patterns": len(taxonomy.unmatched_patterns)}
    assert counts["labels"] > 300 and counts["patterns"] > 100


def test_search_ranks_an_audited_alternative_label_as_a_substring_match():
    taxonomy = _taxonomy()
    taxonomy.concepts["u:goods"] = Concept("u:goods", "skill", {"en": "pack goods"}, {"en": ["packing orders"]})
    before = [hit["uri"] for hit in search_labels(taxonomy, "packing", "skill")]
    assert before == ["u:pack", "u:goods"]  # the exact alternative label first
    apply_unmatched(taxonomy, [UnmatchedWord("en", "packing", "u:pack", "alternative"),
                               UnmatchedWord("en", "lasers", "u:laser", "preferred")])
    assert [hit["uri"] for hit in search_labels(taxonomy, "packing", "skill")] == ["u:goods", "u:pack"]
    assert search_labels(taxonomy, "lasers", "skill")[0]["uri"] == "u:laser"  # a concept's own name stays first
