import datetime as dt

from extractor.facts import find_education, find_experience_years, find_languages, find_licences
from extractor.sections import heading_like_lines, split_sections
from tests.conftest import ENGLISH_CV, SWEDISH_CV


def _facts(text):
    return text, split_sections(text)


def test_sections_are_found_from_swedish_headings():
    names = [s.name for s in split_sections(SWEDISH_CV)]
    assert names == ["other", "profile", "experience", "education", "languages", "licences"]


def test_languages_with_cefr_levels_and_sfi():
    text, sections = _facts(SWEDISH_CV)
    languages = {l.language: l for l in find_languages(text, sections)}
    assert languages["fa"].native and languages["fa"].cefr == "C2"   # Dari – modersmål
    assert languages["sv"].cefr == "B1"                               # SFI kurs D
    assert languages["en"].cefr == "B2"                               # goda kunskaper
    for language in languages.values():
        for ev in language.evidence:
            assert text[ev.start:ev.end] == ev.text


def test_svenska_som_andrasprak_and_explicit_cefr():
    text, sections = _facts(ENGLISH_CV)
    languages = {l.language: l for l in find_languages(text, sections)}
    assert languages["en"].cefr == "C1"
    assert languages["sv"].cefr == "B1"
    assert len({(e.start, e.end) for e in languages["sv"].evidence}) == len(languages["sv"].evidence)  # each line once
    assert languages["fa"].native


def test_employment_record_is_a_heading_and_a_requirement_line_is_not():
    from extractor.sections import heading_name
    assert heading_name("Employment Record") == heading_name("Work record:") == "experience"
    assert heading_name("Java development experience") is None  # a requirement in an ad, not a heading


def test_languages_listed_after_a_heading_inside_a_line():
    for text, expected in [("Kunskaper: Excel, truckkort. Språk: svenska, engelska, arabiska", {"sv", "en", "ar"}),
                           ("Languages: English, Arabic, Swedish", {"en", "ar", "sv"}),
                           ("Worked with English customers and Swedish suppliers.", set())]:
        sections = split_sections(text)
        assert {l.language for l in find_languages(text, sections)} == expected, text


def test_a_level_word_before_the_first_language_of_a_line():
    for text, expected in [("communicate fluently in English", {"en": "C1"}),
                           ("Talar flytande svenska och arabiska", {"sv": "C1"}),  # arabiska: no level of its own
                           ("Good knowledge of Excel. English customers", {}),   # another clause
                           ("Persiska (modersmål), svenska, engelska (B2)", {"fa": "C2", "en": "B2"})]:
        found = {l.language: l.cefr for l in find_languages(text, split_sections(text))}
        assert found == expected, text


def test_a_level_belongs_to_the_language_before_it():
    for line, expected in [
        ("Persiska (modersmål), svenska (B1), engelska (B2)", {"fa": ("C2", True), "sv": ("B1", False),
                                                              "en": ("B2", False)}),
        ("Bosniska (modersmål), svenska (B1), tyska (god)", {"bs": ("C2", True), "sv": ("B1", False),
                                                            "de": ("B2", False)}),
        ("Arabic (native); Swedish: A2, English - fluent", {"ar": ("C2", True), "sv": ("A2", False),
                                                           "en": ("C1", False)}),
    ]:
        text, sections = _facts("Språk\n" + line + "\n")
        languages = {l.language: (l.cefr, l.native) for l in find_languages(text, sections)}
        assert languages == expected, line


def test_languages_nobody_listed_are_named_by_iso_639_in_english_and_swedish():
    for line, expected in [
        ("Marathi (native), Belarusian B2, Azerbaijani (basic)", {"mr": ("C2", True), "be": ("B2", False),
                                                                  "az": ("A2", False)}),
        ("Vitryska (modersmål), azerbajdzjanska (grundläggande), ungerska B1", {
            "be": ("C2", True), "az": ("A2", False), "hu": ("B1", False)}),
        ("Dari (modersmål), Farsi (flytande)", {"fa": ("C2", True)}),  # alternative names keep their code
    ]:
        text, sections = _facts("Språk\n" + line + "\n")
        languages = {l.language: (l.cefr, l.native) for l in find_languages(text, sections)}
        assert languages == expected, line


def test_education_level():
    text, sections = _facts(ENGLISH_CV)
    education = find_education(text, sections)
    assert education is not None and education.isced == 6
    text, sections = _facts(SWEDISH_CV)
    assert find_education(text, sections).isced == 4


def test_experience_years_from_ranges_and_statements():
    text, sections = _facts(SWEDISH_CV)
    assert find_experience_years(text, sections, dt.date(2025, 1, 1)) == 12.0  # 2012-2016 + 2016-2024
    text = "Erfarenhet\n2019 - nu Lagerarbetare\n"
    assert find_experience_years(text, split_sections(text), dt.date(2026, 6, 1)) == 7.0
    assert find_experience_years("Inget här.", []) is None


def test_licences():
    text, sections = _facts(SWEDISH_CV)
    codes = {l.code for l in find_licences(text, sections)}
    assert {"B", "truckkort", "svetscertifikat"} <= codes
    text = "Körkort: B, CE och D. YKB och ADR-intyg."
    codes = {l.code for l in find_licences(text, split_sections(text))}
    assert {"B", "CE", "D", "YKB", "ADR"} <= codes


def test_heading_like_lines_and_sections_from_found_headings():
    text = "Anna Berg\nEducation Details:\nBSc Physics, 2015\nKurser\nTruck A, 2019\nWorked at ICA 2015-2019."
    like = heading_like_lines(text)
    # Short lines of words only; listed headings ("Kurser") and sentences with digits or full stops are not.
    assert [line.text for line in like] == ["Anna Berg", "Education Details"]
    assert text[like[1].start:like[1].end] == "Education Details"
    sections = split_sections(text, {like[1].start: "education"})
    assert [(s.name, text[s.start:s.end].split("\n")[0]) for s in sections] == [
        ("other", "Anna Berg"), ("education", "Education Details:"), ("education", "Kurser")]
