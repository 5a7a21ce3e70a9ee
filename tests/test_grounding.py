"""Word grounding (``extractor.grounding``): every word of a concept's label must find a close word in its line."""

import pytest

from extractor.grounding import WordGrounding, content_words


def test_content_words_drop_stop_words_and_repeats():
    assert content_words("Cleaning the cages and the ward, cleaning daily") == ["cleaning", "cages", "ward", "daily"]
    assert content_words("C# and Node.js") == ["c#", "node", "js"]
    assert content_words("and the of") == []


@pytest.fixture(scope="module")
def english(resources):
    return resources.reader("en").encoder


def test_the_least_supported_word_of_a_label_decides(english):
    labels = {"fish": ["clean fish cage"], "cages": ["clean cages"], "teach": ["teach train driving principles"],
              "drive": ["drive taxi"], "java": ["Java"], "both": ["clean fish cage", "clean cages"], "none": []}
    grounding = WordGrounding(lambda uri: labels[uri])
    line, taxi = "Cleaning cages and the ward after surgery", "2014 Taxi driver training and test"
    (fish, _), (cages, _), (both, _) = grounding.scores([(line, "fish"), (line, "cages"), (line, "both")], english)
    assert fish < cages  # "fish" has nothing in the line to stand on
    assert both == cages  # a concept takes the best of its labels
    (teach, _), (drive, _) = grounding.scores([(taxi, "teach"), (taxi, "drive")], english)
    assert teach < drive
    (java, mean), = grounding.scores([("Backend developer: Java, Spring, SQL", "java")], english)
    assert java == pytest.approx(1.0, abs=1e-4) and mean == pytest.approx(1.0, abs=1e-4)
    # No content word in the line, or no label: nothing to ground.
    assert grounding.scores([("and the", "java"), ("Java", "none")], english) == [(0.0, 0.0), (0.0, 0.0)]


def test_only_links_in_english_text_are_grounded(extractor):
    english = extractor.draft("Experience\nCleaning cages and the ward, sterilising instruments in the autoclave.\n"
                              "Wound care and infection control.")
    swedish = extractor.draft("Erfarenhet\nRengöring av burar och avdelningen, sterilisering av instrument i autoklav.")
    links = [fit for fit in english.fits if fit.method == "embedding"]
    labels = [fit for fit in english.fits if fit.method != "embedding"]
    assert links and all(fit.grounding is not None for fit in links)
    assert all(fit.features()["linked_grounded"] == 1.0 for fit in links)
    # A label found in the text is grounded by construction: not measured, and no figures.
    assert labels and all(fit.grounding is None for fit in labels)
    assert swedish.fits and all(fit.grounding is None for fit in swedish.fits)
    for fit in labels + swedish.fits:
        values = fit.features()
        assert values["linked_grounding_least"] == values["linked_grounding_mean"] == values["linked_grounded"] == 0.0


def test_a_full_word_cache_starts_over_without_changing_scores(english, monkeypatch):
    import extractor.grounding as grounding_module

    monkeypatch.setattr(grounding_module, "MAX_CACHED_WORDS", 4)
    grounding = WordGrounding(lambda uri: ["clean cages"])
    line = "Cleaning cages and the ward after surgery"
    first = grounding.scores([(line, "cages")], english)
    again = grounding.scores([("Welding steel beams every day", "cages"), (line, "cages")], english)
    assert again[1] == pytest.approx(first[0], abs=1e-6)
    assert again[0][0] < first[0][0]  # "clean" and "cages" have little to stand on among welding and beams
    assert len(grounding._vectors) <= len(content_words(line) + content_words("Welding steel beams every day")) + 2
