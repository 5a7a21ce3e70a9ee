"""An alternative label that is a more general skill's preferred label is not matched for the specific skill."""

from taxonomy.model import Concept, Taxonomy
from taxonomy.shared_labels import label_form, shared_alternative_labels, unmatch_shared_alternative_labels


def _taxonomy() -> Taxonomy:
    concepts = {
        "teams": Concept("teams", "skill", {"en": "work in teams"}, {"en": ["working in teams"]}),
        "textile": Concept("textile", "skill", {"en": "work in textile manufacturing teams"},
                           {"en": ["work in team", "collaborate within textile team"]}),
        "dbms": Concept("dbms", "skill", {"en": "database management systems"}, {"en": ["SQL", "DBMS"]}),
        "sql": Concept("sql", "skill", {"en": "SQL"}),
        "job": Concept("job", "occupation", {"en": "textile worker"}, {"en": ["work in team"]}),
    }
    return Taxonomy("t", "1", "test", concepts=concepts)


def test_label_form_folds_case_and_a_plural_s():
    assert label_form("Work in Teams") == label_form("work in team") == "work in team"
    assert label_form("CSS") == "css" and label_form("glass") == "glass"


def test_only_a_more_general_skills_name_is_taken_from_the_specific_skill():
    taxonomy = _taxonomy()
    # "work in team" names *work in teams*, which *work in textile manufacturing teams* extends; "SQL" names a
    # narrower skill than *database management systems* and stays one of its names in text; occupations untouched.
    assert shared_alternative_labels(taxonomy) == [("textile", "en", "work in team")]
    assert unmatch_shared_alternative_labels(taxonomy) == 1
    matched = {(e.uri, e.text) for e in taxonomy.label_entries("skill")}
    assert ("textile", "work in team") not in matched
    assert {("textile", "collaborate within textile team"), ("dbms", "SQL"), ("teams", "working in teams")} <= matched
    # Still a name of its concept (explanations, search), only not matched in text.
    assert "work in team" in taxonomy.get("textile").labels_in("en")
    assert ("job", "work in team") in {(e.uri, e.text) for e in taxonomy.label_entries("occupation")}


def test_the_shipped_taxonomy_does_it_when_loaded(resources):
    textile = next(c for c in resources.taxonomy.of_kind("skill")
                   if c.label("en") == "work in textile manufacturing teams")
    assert "work in team" in textile.labels_in("en")
    assert not resources.taxonomy.is_matched(textile.uri, "en", "work in team")
