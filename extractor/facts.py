"""Facts found by rules: languages with CEFR level, education (ISCED), years of experience, licences."""

from __future__ import annotations

import datetime as dt
import re

from extractor.profile import Education, Evidence, LanguageSkill, Licence
from extractor.sections import SECTION_HEADINGS, Section, section_at

# Names ISO 639 (pycountry) lacks or files under another code: alternative names and macrolanguage choices.
# They come first; every other language with a two-letter code is named as ISO 639 names it, in English and in
# Swedish (``_iso_language_names``): "Marathi", "vitryska", "azerbajdzjanska".
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "sv": ("svenska", "swedish"), "en": ("engelska", "english"), "ar": ("arabiska", "arabic"),
    "fa": ("persiska", "farsi", "dari", "persian"), "so": ("somaliska", "somali"), "ti": ("tigrinja", "tigrinya"),
    "ku": ("kurdiska", "kurdish", "sorani", "kurmanji"), "tr": ("turkiska", "turkish"), "pl": ("polska", "polish"),
    "ru": ("ryska", "russian"), "uk": ("ukrainska", "ukrainian"), "es": ("spanska", "spanish"),
    "fr": ("franska", "french"), "de": ("tyska", "german"), "fi": ("finska", "finnish"),
    "bs": ("bosniska", "bosnian"), "hr": ("kroatiska", "croatian"), "sr": ("serbiska", "serbian"),
    "sq": ("albanska", "albanian"), "ps": ("pashto", "pashtu"), "ur": ("urdu",), "hi": ("hindi",),
    "zh": ("kinesiska", "mandarin", "chinese"), "th": ("thailändska", "thai"), "vi": ("vietnamesiska", "vietnamese"),
    "am": ("amhariska", "amharic"), "pt": ("portugisiska", "portuguese"), "it": ("italienska", "italian"),
    "ro": ("rumänska", "romanian"), "da": ("danska", "danish"), "no": ("norska", "norwegian"),
    "el": ("grekiska", "greek"), "bn": ("bengali", "bangla"), "ta": ("tamil",), "tl": ("tagalog", "filipino"),
}
_PLAIN_NAME = re.compile(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*")


def _iso_language_names() -> dict[str, str]:
    """Lower-cased English and Swedish names of the ISO 639 languages with a two-letter code -> that code
    (names with a qualifier such as "Modern Greek (1453-)" left out)."""
    import gettext

    import pycountry

    swedish = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["sv"], fallback=True)
    names: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        for name in (language.name, swedish.gettext(language.name)) if code else ():
            if _PLAIN_NAME.fullmatch(name):
                names.setdefault(name.lower(), code)
    return names


_NAME_TO_CODE = {**_iso_language_names(),
                 **{name: code for code, names in LANGUAGE_NAMES.items() for name in names}}
LANGUAGE_NAME_CODES = frozenset(_NAME_TO_CODE)


def language_code(name: str) -> str | None:
    """The code of a language named by its last word ("Swedish", "interact verbally in Arabic"), if listed."""
    words = name.split()
    return _NAME_TO_CODE.get(words[-1].lower()) if words else None


_LANG_RE = re.compile(r"\b(" + "|".join(sorted(_NAME_TO_CODE, key=len, reverse=True)) + r")\b", re.I)

# Words for a level, in the same line as the language: CEFR equivalents.
_LEVEL_WORDS: list[tuple[str, str, bool]] = [
    (r"modersmål|native|mother tongue|förstaspråk", "C2", True),
    (r"flytande|fluent|mycket god|excellent|proficient", "C1", False),
    (r"goda?\b|good|professional working", "B2", False),
    (r"medel|intermediate|conversational", "B1", False),
    (r"grundläggande|basic|elementary|beginner|nybörjare", "A2", False),
]
_CEFR_RE = re.compile(r"\b([ABC][12])\b")
_SFI_RE = re.compile(r"\bsfi\b[^\n]{0,20}?\b(?:kurs|course|nivå|level)?\s*([ABCD])\b", re.I)
_SAS_RE = re.compile(r"svenska som andraspråk\s*(grund|gymnasie(?:nivå)?\s*([123])|[123])?", re.I)
SFI_TO_CEFR = {"A": "A1", "B": "A2", "C": "B1", "D": "B1"}
SAS_TO_CEFR = {"grund": "B1", "1": "B2", "2": "B2", "3": "C1"}


def _level_words(text: str) -> tuple[str | None, bool]:
    """The CEFR level and nativeness that words of ``text`` state ("flytande", "mother tongue"), if any."""
    for pattern, level, is_native in _LEVEL_WORDS:
        if re.search(pattern, text, re.I):
            return level, is_native
    return None, False


def _ev(text: str, start: int, end: int, sections: list[Section]) -> Evidence:
    return Evidence(start=start, end=end, text=text[start:end], section=section_at(sections, start))


# "Språk: svenska, engelska" inside a line that also holds other things ("Kunskaper: Excel. Språk: ...").
_INLINE_LANGUAGES = re.compile(r"\b(?:%s)\s*:" % "|".join(sorted(SECTION_HEADINGS["languages"], key=len, reverse=True)),
                               re.I)


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def find_languages(text: str, sections: list[Section]) -> list[LanguageSkill]:
    found: dict[str, LanguageSkill] = {}
    matches = list(_LANG_RE.finditer(text))
    for i, match in enumerate(matches):
        code = _NAME_TO_CODE[match[1].lower()]
        section = section_at(sections, match.start())
        line_start, line_end = _line_bounds(text, match.start())
        line = text[line_start:line_end]
        # A language counts where the languages section lists it (or a "Språk:" earlier in its line), or where a
        # level is stated beside it. Its level is what follows it up to the next language named in the line: in
        # "Persiska (modersmål), svenska (B1)" the B1 is Swedish's, not Persian's.
        next_start = matches[i + 1].start() if i + 1 < len(matches) else line_end
        tail = text[match.end():min(line_end, next_start)][:60]
        cefr, native = None, False
        sfi, sas = _SFI_RE.search(line), _SAS_RE.search(line)
        if code == "sv" and sas:
            level = sas.group(2) or (sas.group(1) or "").lower()  # course digit, "grund", or nothing said
            cefr = SAS_TO_CEFR.get("grund" if level.startswith("grund") else level, "B1")
        elif code == "sv" and sfi:
            cefr = SFI_TO_CEFR[sfi.group(1).upper()]
        elif (cefr_match := _CEFR_RE.search(tail)) is not None:
            cefr = cefr_match[1]
        else:
            cefr, native = _level_words(tail)
            first_in_line = i == 0 or matches[i - 1].end() <= line_start
            if cefr is None and first_in_line:  # "Fluent in English", "flytande svenska": the first in
                head = re.split(r"[.;:•!?]", text[line_start:match.start()])[-1][-40:]  # its line, same clause
                cefr, native = _level_words(head)
        listed = section == "languages" or _INLINE_LANGUAGES.search(line[:match.start() - line_start])
        if not listed and cefr is None:
            continue
        skill = found.setdefault(code, LanguageSkill(language=code, name=match[1].capitalize()))
        if cefr and (skill.cefr is None or cefr > skill.cefr):
            skill.cefr = cefr
        skill.native = skill.native or native
        if not any(e.start == line_start for e in skill.evidence):  # "Swedish ... Svenska som andraspråk": one line
            skill.evidence.append(_ev(text, line_start, line_end, sections))
    return list(found.values())


_EDUCATION: list[tuple[int, str, str]] = [
    (8, "doctoral degree", r"\b(ph\.?d|doktorsexamen|doktor(?:and)?|doctorate|doctoral)\b"),
    (7, "master's degree", r"\b(master(?:s|examen)?|magisterexamen|magister|civilingenjör|msc|m\.sc|"
                           r"läkarexamen|master's)\b"),
    (6, "bachelor's degree", r"\b(kandidatexamen|kandidat|bachelor(?:'s)?|bsc|b\.sc|högskoleingenjör|"
                             r"sjuksköterskeexamen|lärarexamen|university degree|universitetsexamen|"
                             r"högskoleexamen)\b"),
    (5, "short-cycle tertiary", r"\b(yrkeshögskola|yh-utbildning|yh-examen|yrkeshögskoleexamen|diploma|"
                                r"associate degree)\b"),
    (4, "post-secondary vocational", r"\b(yrkesutbildning|vocational training|vocational education|"
                                     r"komvux|lärlingsutbildning|apprenticeship|gesällbrev)\b"),
    (3, "upper secondary", r"\b(gymnasie(?:examen|utbildning|skola|program|t)?|gymnasium|high school|"
                           r"secondary school|upper secondary)\b"),
    (2, "lower secondary", r"\b(grundskol(?:a|an|eexamen)|primary school|middle school|lower secondary)\b"),
]


def find_education(text: str, sections: list[Section]) -> Education | None:
    for level, label, pattern in _EDUCATION:
        matches = list(re.finditer(pattern, text, re.I))
        if matches:
            return Education(isced=level, label=label,
                             evidence=[_ev(text, m.start(), m.end(), sections) for m in matches[:3]])
    return None


_YEARS_STATED = re.compile(r"(\d{1,2})\+?\s*(?:års?|years?|yrs?)\s*(?:erfarenhet|of experience|experience|"
                           r"i yrket|arbetslivserfarenhet|som|as)", re.I)
_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*(?:[-–—]|till|to)\s*((?:19|20)\d{2}|nu|idag|pågående|present|now|"
                    r"current|ongoing)\b", re.I)


def find_experience_years(text: str, sections: list[Section], today: dt.date | None = None) -> float | None:
    """Stated years of experience, or the union of date ranges in the experience section (the larger)."""
    this_year = (today or dt.date.today()).year
    stated = [int(m[1]) for m in _YEARS_STATED.finditer(text) if 0 < int(m[1]) < 60]
    spans = []
    for match in _RANGE.finditer(text):
        if section_at(sections, match.start()) != "experience":
            continue
        start = int(match[1])
        end = int(match[2]) if match[2].isdigit() else this_year
        if 1950 <= start <= end <= this_year:
            spans.append((start, end if end > start else start + 1))
    covered, reach = 0, 0
    for start, end in sorted(spans):  # union of the ranges: overlapping jobs count once
        start = max(start, reach)
        if end > start:
            covered += end - start
        reach = max(reach, end)
    best = max([covered] + stated) if (stated or covered) else None
    return float(best) if best is not None else None


_DRIVING = re.compile(r"\b(?:körkort|driving licen[cs]e|driver'?s licen[cs]e|behörighet)\b[^\n]{0,30}?"
                      r"\b((?:AM|A1|A2|BE|B96|C1E|C1|CE|C|D1E|D1|DE|D|A|B)(?:\s*(?:,|/|och|and|\+)\s*"
                      r"(?:AM|A1|A2|BE|B96|C1E|C1|CE|C|D1E|D1|DE|D|A|B))*)\b"
                      r"|\b((?:AM|A1|A2|BE|B96|C1E|C1|CE|C|D1E|D1|DE|D|A|B))-körkort\b", re.I)
_CERTS: list[tuple[str, str, str, str]] = [
    ("forklift", "truckkort", "forklift licence (truckkort)", r"\btruckkort\w*|\btruckbehörighet\w*|"
                                                            r"\bforklift (?:licen[cs]e|certificate)"),
    ("certificate", "YKB", "professional driver competence (YKB)", r"\bYKB\b"),
    ("certificate", "ADR", "dangerous goods (ADR)", r"\bADR(?:-intyg|-certifikat)?\b"),
    ("certificate", "heta_arbeten", "hot work certificate (Heta arbeten)", r"\bheta arbeten\b"),
    ("certificate", "liftkort", "aerial work platform licence (liftkort)", r"\bliftkort\w*|\bskylift\w*"),
    ("certificate", "hlr", "CPR / first aid (HLR)", r"\bHLR\b|\bCPR\b"),
    ("certificate", "svetscertifikat", "welding certificate", r"\bsvetscertifikat\w*|\bwelding certificat\w*|"
                                                           r"\bEN ISO 9606\b"),
    ("certificate", "esa", "electrical safety (ESA)", r"\bESA\s?\d{0,2}\b"),
]


def driving_licence_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a driving licence ("Körkort: B", "B-körkort"): a licence fact, not a skill."""
    return [m.span() for m in _DRIVING.finditer(text)]


def find_licences(text: str, sections: list[Section]) -> list[Licence]:
    licences: list[Licence] = []
    seen: set[str] = set()
    for match in _DRIVING.finditer(text):
        codes_text = match.group(1) or match.group(2)
        start = match.start(1) if match.group(1) else match.start(2)
        for code in re.findall(r"B96|BE|C1E|C1|CE|D1E|D1|DE|AM|A1|A2|A|B|C|D", codes_text.upper()):
            if code not in seen:
                seen.add(code)
                licences.append(Licence(kind="driving_licence", code=code, label=f"driving licence {code}",
                                        evidence=[_ev(text, start, start + len(codes_text), sections)]))
    for kind, code, label, pattern in _CERTS:
        matches = list(re.finditer(pattern, text, re.I if code not in ("YKB", "ADR", "hlr", "esa") else 0))
        if matches and code not in seen:
            seen.add(code)
            licences.append(Licence(kind=kind, code=code, label=label,
                                    evidence=[_ev(text, m.start(), m.end(), sections) for m in matches[:3]]))
    return licences
