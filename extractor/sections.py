"""CV and ad sections from their headings (Swedish and English): what a mention means depends on where it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": ("arbetslivserfarenhet", "erfarenhet", "yrkeserfarenhet", "anställningar", "arbetserfarenhet",
                   "tidigare anställningar", "work experience", "experience", "employment", "employment history",
                   "professional experience", "work history", "career"),
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


def split_sections(text: str) -> list[Section]:
    """Sections in text order; the text before the first heading is 'other'."""
    sections: list[Section] = []
    name, start, pos = "other", 0, 0
    for line in text.split("\n"):
        found = heading_name(line) if len(line) <= 60 else None
        if found:
            if pos > start:
                sections.append(Section(name, start, pos))
            name, start = found, pos
        pos += len(line) + 1
    sections.append(Section(name, start, len(text)))
    return [s for s in sections if s.end > s.start]


def section_at(sections: list[Section], offset: int) -> str:
    for section in sections:
        if section.start <= offset < section.end:
            return section.name
    return "other"
