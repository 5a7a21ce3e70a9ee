"""Word sense and coherence in extraction (issue 13): a concept must fit its sentence and its document, not merely
share a word with it.

The first cases are the issue's own failing examples, which the rule was tuned on. The cases marked HELD OUT were
written before the rule was tuned and were not used to choose its thresholds: they show whether it carries to
words nobody listed.
"""

import pytest

from extractor.coherence import WordSpread
from extractor.heading_match import HeadingMatcher
from extractor.linking import sentence_spans

DEVELOPER_CV = """Software developer

Experience
2019-2024 Developer, Fintech AB
Wrote unit tests, set up CI pipelines and Docker containers. Worked in Scrum teams with code review in Git.
Built REST APIs in Java and Python.
"""

# The layout of a public resume set: headings such as "Skill Details" and generic words in plain sentences.
RESUME = """Skills: Java, Spring Boot, SQL, HTML, JavaScript
Education Details
B.E. Computer Engineering, Pune University
Java Developer
Skill Details
Java- Exprience - 36 months
SQL- Exprience - 24 months
Company Details
company - Infosys
description - Developed web applications in Java for the banking domain. Prepared weekly status reports for the \
project board. Followed coding standards and the review process. Worked closely with the engineering team.
"""

ELECTRICIAN_SV = """Erfarenhet
2015-2023 Elektriker, ElService AB
Drog kablar och installerade elcentraler i villor och lägenheter.
Felsökte och reparerade elfel i maskiner och motorer.
Bytte belysning och monterade laddboxar för elbilar.
Utbildning
Elteknik, gymnasiet
"""

CIVIL_ENGINEER_SV = """Profil
Civilingenjör inom väg- och vattenbyggnad med erfarenhet av projektering och byggledning.

Erfarenhet
2016-2023 Projektingenjör, Vägbyggen AB
Projekterade vägar och VA-ledningar. Tog fram bygghandlingar och mängdförteckningar.
Följde upp tidplaner och kostnader. Ansvarade för kontroll av underentreprenörer.
2012-2016 Forskningsassistent vid universitet i Teheran, mätningar av betong.
"""

WAREHOUSE_SV = """Erfarenhet
2018-2023 Lagerarbetare, Logistikhuset AB
Packade varor och plockade order med handdator.
Tog emot leveranser och skötte inventering.
Körde truck. Arbetade med förpackning och emballage.
Körkort: B-körkort
"""

# HELD OUT: written before tuning; none of its words was looked at when the thresholds were chosen.
DATA_ANALYST_CV = """Data analyst

Work experience
2020-2024 Data analyst, Nordic Retail Group
Built dashboards in Power BI and automated the monthly sales figures with SQL and Python.
Fixed bugs reported by users and kept the release notes up to date.
Deployed the models as services on Kubernetes clusters.
Cleaned and merged customer data from several sources; presented findings to the management team.
"""


def _labels(extractor, text, language):
    profile = extractor.extract_text(text)
    assert profile.language == language
    return {s.label for s in profile.skills}


def test_developer_cv_gets_no_concept_that_only_shares_a_word(extractor):
    labels = _labels(extractor, DEVELOPER_CV, "en")
    wrong = {"dock operations", "install containers", "test pipeline infrastructure operations",
             "lay pipe installation", "repair pipelines", "test mechatronic units", "test electronic units",
             "work in textile manufacturing teams"}
    assert not wrong & labels, wrong & labels
    # What the CV does name stays.
    assert {"Java (computer programming)", "Python (computer programming)",
            "tools for software configuration management"} <= labels


# Found on a training set (eval/data/en_cvs_t: "Work in Scrum team with developers"): ESCO gives *work in textile
# manufacturing teams* the alternative label "work in team", the preferred label of *work in teams*
# (taxonomy/shared_labels.py). The other lines were written after the rule, to show it carries.
@pytest.mark.parametrize("line", ["Work in Scrum team with developers, write design tasks in Jira",
                                  "Team work in cross-functional teams",
                                  "Work in team with nurses and doctors on the ward"])
def test_a_team_is_not_a_textile_team(extractor, line):
    labels = _labels(extractor, f"EXPERIENCE\n2020 - now  Designer, Nordic AB\n- {line}\n- Present proposals to "
                                "stakeholders\n", "en")
    assert "work in textile manufacturing teams" not in labels, sorted(labels)


def test_generic_words_and_headings_need_corroboration(extractor):
    labels = _labels(extractor, RESUME, "en")
    wrong = {"identify skills gaps", "journalism", "scaffolding components",
             "perform ground-handling maintenance procedures", "packaging engineering", "types of spring"}
    assert not wrong & labels, wrong & labels
    assert {"Java (computer programming)", "SQL", "JavaScript"} <= labels


# The right concepts are right by ESCO's descriptions: the engineer designed ("projekterade") VA networks; *install
# lighting*, once expected for "Bytte belysning", is ESCO's lighting for performances (the lexicon audit removed it).
@pytest.mark.parametrize("text, wrong, right", [
    (CIVIL_ENGINEER_SV, "perform scientific research", "develop sewerage networks"),
    (ELECTRICIAN_SV, "repair engines", "repair wiring"),
    (WAREHOUSE_SV, "packaging engineering", "pack goods"),
])
def test_swedish_cvs_get_no_concept_from_another_trade(extractor, text, wrong, right):
    labels = _labels(extractor, text, "sv")
    assert wrong not in labels and right in labels, sorted(labels)


def test_a_driving_licence_is_a_fact_not_the_skill_to_drive(extractor):
    profile = extractor.extract_text(WAREHOUSE_SV)
    assert "drive vehicles" not in {s.label for s in profile.skills}
    assert [licence.code for licence in profile.licences if licence.kind == "driving_licence"] == ["B"]


def test_held_out_cv_keeps_its_tools_and_drops_other_senses(extractor):
    """HELD OUT (see the module docstring)."""
    labels = _labels(extractor, DATA_ANALYST_CV, "en")
    assert not {"journalism", "statistics", "Source (digital game creation systems)"} & labels, labels
    assert {"SQL", "Python (computer programming)"} <= labels


def test_unlisted_headings_and_job_titles_are_not_competences(extractor):
    """The issue's last two wrong concepts. The heading rule's floor is the reader's occupation threshold and the
    title margin was chosen on the tuning halves of eval/data/en_cvs and sv_cvs, with these cases in view."""
    profile = extractor.extract_text(RESUME)
    assert "education administration" not in {s.label for s in profile.skills}
    # "Education Details" now heads an education section: the degree under it is read as education.
    degree = next(s for s in profile.skills if s.label == "computer engineering")
    assert {e.section for e in degree.evidence} == {"education"}
    profile = extractor.extract_text(DEVELOPER_CV)
    assert not {"graphics editor software", "computer engineering"} & {s.label for s in profile.skills}
    assert "software developer" in {o.label for o in profile.occupations}  # the title still names the job


def test_a_heading_is_closer_to_a_section_than_to_any_skill(resources):
    text = "Academic Qualifications\nBSc Physics\nProject management\nCustomer service\nKey Qualifications\n"
    found = HeadingMatcher().find(text, resources.english)
    assert {text[start:].split("\n")[0] for start in found} == {"Academic Qualifications", "Key Qualifications"}


def test_languages_are_facts_with_a_level_not_skills(extractor, resources):
    text = ("Syrian / Swedish\n\nExperience\n2019-2023 Site engineer, Bygg AB, Örebro\n"
            "Checked drawings against Swedish standards.\nSpoke Arabic with the subcontractors.\n\n"
            "Languages\nArabic (native), Swedish (B2)\n")
    profile = extractor.extract_text(text)
    # Before: *Swedish* from the nationality line, *interact verbally in Arabic* and *understand spoken Arabic*.
    assert not [s.label for s in profile.skills if resources.taxonomy.get(s.uri).is_language]
    assert {(spoken.language, spoken.cefr) for spoken in profile.languages} == {("ar", "C2"), ("sv", "B2")}
    # A language outside the hand list of names (ISO 639 names it) is a fact too.
    profile = extractor.extract_text("Experience\n2019-2023 Teacher, Pune\nTaught mathematics in Marathi.\n\n"
                                     "Languages\nMarathi (native), English (C1)\n")
    assert {(spoken.language, spoken.cefr) for spoken in profile.languages} == {("mr", "C2"), ("en", "C1")}
    assert not [s.label for s in profile.skills if resources.taxonomy.get(s.uri).is_language]


def test_a_language_course_taken_is_schooling_not_teaching(extractor):
    # Found with `matcha eval spread` on the matching set's 200 CVs: *teach languages* in 23 CVs of 15 fields, from
    # the person's own Swedish course, which the language facts read as their level.
    course = ("Utbildning\n2023  SFI och Svenska som andraspråk, nivå 3, Komvux Örebro\n2010  Fysioterapeut, "
              "Karolinska institutet\n\nErfarenhet\n2015 – 2019  Fysioterapeut, Ängsgården\n"
              "- Rehabilitering efter stroke\n")
    draft = extractor.draft(course, "cv")
    assert ("sv", "B1") in {(spoken.language, spoken.cefr) for spoken in draft.languages}
    assert "teach languages" not in {m.label for m in draft.candidates}
    assert "provide stroke rehabilitation services" in {m.label for m in draft.candidates}
    # A teacher of the same course teaches it: in the experience section the link stays.
    teacher = ("Erfarenhet\n2015 – 2020  Lärare i svenska som andraspråk, Komvux Örebro\n"
               "- Undervisade vuxna i svenska som andraspråk\n\nSpråk\nSvenska, arabiska\n")
    assert "teach languages" in {s.label for s in extractor.extract_text(teacher, "cv").skills}


def test_word_spread_counts_concepts_that_share_the_words(resources):
    spread = WordSpread(resources.phrases)
    # A word in the labels of hundreds of concepts is ambiguous; a programming language's name is not.
    assert spread.ambiguity("process", "en") > 7 > 1 >= spread.ambiguity("Python", "en")
    # Several words are as specific as the concepts that have them all.
    assert spread.ambiguity("control systems", "en") < spread.ambiguity("control", "en")
    assert spread.ambiguity("Terraform", "en") == 0.0  # a word no label has points nowhere
    # Words no label has: "Terraform" is a term the taxonomy lacks; "every week" are everyday words, not missing
    # terms. ("Docker" is now a phrasing of *manage ICT virtualisation environments*, taxonomy/lexicon/en_*.)
    assert spread.unknown("Provision servers with Terraform", "en") == 1
    assert spread.unknown("Followed up key performance indicators every week", "en") == 0


def test_sentence_spans_cover_lines_bullets_and_sentences():
    text = "Kock\n• Lagade mat. Diskade; städade\nKunskaper: truck"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Kock", "Lagade mat", "Diskade", "städade",
                                                              "Kunskaper", "truck"]


def test_everyday_words_are_not_specific_however_few_labels_have_them():
    # wordfreq's Zipf scale: "så" (so, then; also "to sow") is among Swedish's commonest words.
    assert WordSpread.common("så", "sv") and WordSpread.common("history", "en")
    assert not WordSpread.common("svetsning", "sv") and not WordSpread.common("Python", "en")
    assert not WordSpread.common("C++", "en")  # not the letter "c"
    assert not WordSpread.common("personlig hygien", "sv")  # one word only


def test_an_everyday_word_is_no_anchor_for_the_rest_of_the_document(extractor):
    text = ("Erfarenhet\n2019-2023 Undersköterska, hemtjänsten i Malmö\n"
            "- Städning och inköp hos brukare så de kunde bo kvar hemma\n- Hjälpte brukare med personlig hygien\n")
    skills = {s.label for s in extractor.extract_text(text).skills}
    # Before: *seed the ground* from "så", which as the document's only specific concept also held back the
    # skills of the line it stood in (far from sowing).
    assert "seed the ground" not in skills
    assert "support social service users to live at home" in skills


def test_labels_of_one_everyday_word_are_no_patterns_and_rarer_ones_are(resources):
    # No list names these words: "board" (issue 13: *scaffolding components*), "history", "städa" and
    # "statistik" are everyday words; "welding", "Python" and "svetsning" are not.
    found = {m.text.lower() for m in resources.phrases.find(
        "Member of the board. Interested in history. Welding and Python.", "en")}
    assert "board" not in found and "history" not in found
    assert {"welding", "python"} <= found
    found_sv = {m.text.lower() for m in resources.phrases.find("Städa, statistik och svetsning.", "sv")
                if m.kind == "skill"}
    assert "städa" not in found_sv and "statistik" not in found_sv
    assert "svetsning" in found_sv


def test_a_short_label_matches_no_shorter_word(resources):
    # "RS" (an alternative label of *geographic information systems*) lemmatises to "r"; a data analyst's "R" is
    # not GIS. Inflected forms longer than a short label still match ("Sydde" ~ "sy", *sew pieces of fabric*).
    text = "Tools: Excel, SQL, R, Power BI"
    found = {resources.taxonomy.get(m.uri).label("en") for m in resources.phrases.find(text, "en")}
    assert "geographic information systems" not in found and {"SQL", "data visualisation software"} <= found
    swedish = {resources.taxonomy.get(m.uri).label("en") for m in resources.phrases.find("Jag sydde.", "sv")}
    assert "sew pieces of fabric" in swedish


def test_an_acronym_in_lower_case_matches_where_it_is_no_word(resources):
    # Skill lists often write acronyms in lower case ("sql, php, css"); a lower-case form that is a word of English
    # or Swedish (Zipf >= 4: "ide" 4.1, "cam" 4.1) stays that word and only the capitals are the acronym.
    def labels(text: str, lang: str) -> set[str]:
        return {resources.taxonomy.get(m.uri).label("en") for m in resources.phrases.find(text, lang)}

    assert {"SQL", "PHP", "CSS"} <= labels("Skills: sql, php, css, git", "en")
    assert "SQL" in labels("Kunskaper: sql och Excel", "sv")
    ide = "integrated development environment software"
    assert ide in labels("Visual Studio as IDE", "en") and ide not in labels("Visual Studio as ide", "en")
    assert "use CAM software" in labels("Jobbade med CAM", "sv")
    assert "use CAM software" not in labels("jobbade med cam", "sv")


def test_is_lower_case_acronym_needs_capitals_and_no_word():
    from extractor.everyday_words import is_lower_case_acronym

    assert is_lower_case_acronym("sql", "SQL") and is_lower_case_acronym("plc", "PLC")
    assert not is_lower_case_acronym("less", "LESS") and not is_lower_case_acronym("mig", "MIG")
    assert not is_lower_case_acronym("Sql", "SQL")  # only the whole word in lower case
    assert not is_lower_case_acronym("it", "IT") and not is_lower_case_acronym("go", "Go")
