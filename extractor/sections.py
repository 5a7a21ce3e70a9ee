"""CV and ad sections from their headings (Swedish and English): what a mention means depends on where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": ("arbetslivserfarenhet", "erfarenhet", "yrkeserfarenhet", "anställningar", "arbetserfarenhet",
                   "tidigare anställningar", "work experience", "experience", "employment", "employment history",
                   "professional experience", "work history", "career", "employment record", "work record"),
    "education": ("utbildning", "utbildningar", "education", "studies", "academic background", "kurser",
                  "courses", "training"),
    "languages": ("språk", "språkkunskaper", "languages", "language skills"),
    "skills": ("kompetenser", "kompetens", "färdigheter", "kunskaper", "skills", "competences", "expertise",
               "it-kunskaper", "tekniska kunskaper", "technical skills", "key skills"),
    "licences": ("körkort", "certifikat", "behörigheter", "licenses", "licences", "certificates",
                 "certifications", "körkort och certifikat"),
    "profile": ("profil", "om mig", "sammanfattning", "profile", "summary", "about me", "objective"),
    "requirements": ("krav", "vi söker", "kvalifikationer", "requirements", "qualifications", "we are looking for",
                     "who you are", "din profil", "vem är du"),
    "merits": ("meriterande", "meriter", "nice to have", "a plus", "bonus", "preferred qualifications"),
    "personal": ("personuppgifter", "kontakt", "kontaktuppgifter", "personal details", "contact",
                 "personal information", "referenser", "references"),
}
_LOOKUP = {h: name for name, heads in SECTION_HEADINGS.items() for h in heads}
_HEADING = re.compile(r"^\s*[#*\-–•]*\s*(?P<head>[^\n:]{2,40}?)\s*:?\s*$")
# A line that could be a heading nobody listed ("Education Details", "Academic Qualifications"): a letter first, at
# most HEADING_WORDS words, no digit, no sentence or list punctuation; whether it is one is decided by similarity
# (``extractor.heading_match``).
_HEADING_LIKE = re.compile(r"^[ \t#*\-–•]*(?P<head>[^\W\d_][^\n\d:.!?,;()@|/]{1,38}?)[ \t]*:?[ \t]*$")
HEADING_WORDS = 4


@dataclass(frozen=True)
class Section:
    name: str  # one of SECTION_HEADINGS, or "other"
    start: int
    end: int


def heading_name(line: str) -> str | None:
    match = _HEADING.match(line)
    if not match:
        return None
    head = re.sub(r"[*_#]+", "", match["head"]).strip().lower()
    return _LOOKUP.get(head)


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append(Line(pos, pos + len(line), line))
        pos += len(line) + 1
    return lines


def heading_like_lines(text: str) -> list[Line]:
    """Lines that may be headings but are not listed ones (``SECTION_HEADINGS``), trimmed to their words."""
    found = []
    for line in _lines(text):
        match = _HEADING_LIKE.match(line.text)
        if match and len(match["head"].split()) <= HEADING_WORDS and heading_name(line.text) is None:
            found.append(Line(line.start + match.start("head"), line.start + match.end("head"), match["head"]))
    return found


def headings(text: str, found: dict[int, str] | None = None) -> list[tuple[Line, str]]:
    """Heading lines and their section names: listed headings, and ``found`` (line start -> section name; lines
    taken for headings by similarity, see ``extractor.heading_match``)."""
    found = found or {}
    result = []
    for line in _lines(text):
        name = heading_name(line.text) if len(line.text) <= 60 else None
        name = name or next((n for start, n in found.items() if line.start <= start <= line.end), None)
        if name:
            result.append((line, name))
    return result


def split_sections(text: str, found: dict[int, str] | None = None) -> list[Section]:
    """Sections in text order; the text before the first heading is 'other'. ``found``: see ``headings``."""
    return sections_from(text, headings(text, found))


def sections_from(text: str, heading_lines: list[tuple[Line, str]]) -> list[Section]:
    """Sections in text order from the text's heading lines (``headings``); the text before the first is 'other'."""
    sections: list[Section] = []
    name, start = "other", 0
    for line, heading in heading_lines:
        if line.start > start:
            sections.append(Section(name, start, line.start))
        name, start = heading, line.start
    sections.append(Section(name, start, len(text)))
    return [s for s in sections if s.end > s.start]


def section_at(sections: list[Section], offset: int) -> str:
    for section in sections:
        if section.start <= offset < section.end:
            return section.name
    return "other"


def line_at(text: str, position: int) -> str:
    """The text line (between newlines) that holds ``position``."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start:len(text) if end < 0 else end]
