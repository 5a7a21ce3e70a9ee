"""Swedish word forms that decide a match: past tense, compounds both ways (pure functions, no model)."""

from models.swedish_forms import (IRREGULAR_FORMS, compound_of_phrase, nominal_phrases, nominalisations,
                                  phrase_of_compound, weak_forms)
from models.nlp import full_lemma_table


def test_strong_verbs_past_tense_and_supine_lead_to_the_infinitive():
    table = full_lemma_table("sv")
    for form, verb in [("lade", "lägga"), ("lagt", "lägga"), ("drog", "dra"), ("tog", "ta"), ("gav", "ge"),
                       ("gjöt", "gjuta"), ("satte", "sätta"), ("dragit", "dra")]:
        assert IRREGULAR_FORMS[form] == verb
        assert table[form] == verb, form
    assert table["golv"] == "golv"  # the noun, not the verb "golva"


def test_present_tense_in_ar_is_the_verb_not_the_agent_noun():
    table = full_lemma_table("sv")
    for form, verb in [("planerar", "planera"), ("svetsar", "svetsa"), ("programmerar", "programmera"),
                       ("städar", "städa")]:
        assert table[form] == verb, form
    # The agent noun's own forms still lead to it.
    assert table["svetsaren"] == table["svetsarna"] == "svetsare"


def test_weak_verbs_regular_forms():
    assert {"packade", "packat"} <= set(weak_forms("packa"))
    assert {"körde", "kört"} <= set(weak_forms("köra"))
    assert {"läste", "läst"} <= set(weak_forms("läsa"))
    assert weak_forms("ge") == []


def test_compounds_both_ways():
    assert nominalisations("lägga") == ["läggning"]
    assert nominalisations("montera") == ["montering"]
    assert "golvläggning" in compound_of_phrase("lägga golv")
    assert "blodprovstagning" in compound_of_phrase("ta blodprov")
    verbs = {"läggning": "lägga", "tagning": "ta"}
    assert phrase_of_compound("golvläggning", verbs) == ["lägga golv"]
    assert "ta blodprov" in phrase_of_compound("blodprovstagning", verbs)
    assert phrase_of_compound("läggning", verbs) == []  # no object left


def test_verb_phrases_in_the_nominal_style():
    assert "körning" in nominalisations("köra") and "rengöring" in nominalisations("rengöra")
    assert nominal_phrases("planera transporter")[0] == "planering av transporter"
    assert "installation av värmepumpar" in nominal_phrases("installera värmepumpar")
    assert not any("ation" in noun for noun in nominalisations("reparera"))  # not in compounds: see nominal_phrases
    assert nominal_phrases("lägga golv i badrum") == ["läggning av golv i badrum"]
    assert nominal_phrases("svetsning") == [] and nominal_phrases("ge råd") == []
