"""Swedish CVs read by the multilingual model against Swedish labels, with Swedish word forms (the examples of
the Swedish-first issue)."""

import pytest


def _skills(extractor, text):
    profile = extractor.extract_text(text)
    assert profile.language == "sv"
    return {s.label: s for s in profile.skills}


def test_non_english_text_is_read_by_the_multilingual_model(resources):
    assert resources.reader("sv").encoder.name == "multilingual-e5-small"
    assert resources.reader("en").encoder is resources.encoder
    assert resources.reader("sv").skill_index.languages == frozenset({"sv"})


@pytest.mark.parametrize("text, label, evidence", [
    ("Erfarenhet\nSnickare 2018-2023\nLade golv och byggde trappor. Monterade fönster, dörrar och kök.",
     "install floor coverings", "Lade golv"),
    ("Erfarenhet\nLagerarbetare 2019-2022\nPlockade order med handdator. Körde truck och tog emot gods.",
     "receive goods", "tog emot gods"),
    ("Erfarenhet\nSjuksköterska 2015-2023\nGav läkemedel, satte venkatetrar och tog blodprover.",
     "take blood samples", "tog blodprover"),
    ("Erfarenhet\nElektriker 2016-2022\nLäste och tolkade ritningar på byggarbetsplatser.",
     "read engineering drawings", "Läste och tolkade ritningar"),
])
def test_past_tense_and_coordinated_verbs_are_read(extractor, text, label, evidence):
    skills = _skills(extractor, text)
    assert label in skills, sorted(skills)
    assert any(e.text == evidence for e in skills[label].evidence), skills[label].evidence


def test_a_verb_with_a_list_of_objects_reaches_each_object(extractor):
    skills = _skills(extractor, "Erfarenhet\nSnickare 2018-2023\nMonterade fönster, dörrar och kök i nybyggen.")
    assert "fit doors" in skills
    assert skills["fit doors"].evidence[0].text.startswith("Monterade")


def test_language_names_are_facts_not_skills(extractor):
    profile = extractor.extract_text("Erfarenhet\nLagerarbetare 2019-2022, plockade order.\n"
                                     "Jag talar arabiska, svenska och engelska.")
    assert not {"Arabic", "Swedish", "English"} & {s.label for s in profile.skills}
