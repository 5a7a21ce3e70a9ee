"""Headings nobody listed ("Education Details", "Academic Qualifications", "Skills details"), found by similarity.

A short line on its own (``sections.heading_like_lines``) is taken for the heading of a section when, in the
reader's model, it is at least as close to one of the section's listed headings (``SECTION_HEADINGS``) as the
reader needs to name an occupation by a short phrase (``Reader.occupation_threshold``), and closer to that heading
than to any taxonomy skill. So "Education Details" heads an education section and is not linked to *education
administration*, while "Project management" or "Körkort B" stay content: they are closer to a skill.
"""

from __future__ import annotations

import numpy as np

from extractor.resources import Reader
from extractor.sections import SECTION_HEADINGS, heading_like_lines
from models.encoders import Encoder

_NAMES = [(name, heading) for name, listed in SECTION_HEADINGS.items() for heading in listed]


class HeadingMatcher:
    """Finds unlisted headings; the listed headings are embedded once per encoder."""

    def __init__(self) -> None:
        self._vectors: dict[int, np.ndarray] = {}

    def _headings(self, encoder: Encoder) -> np.ndarray:
        if id(encoder) not in self._vectors:
            self._vectors[id(encoder)] = encoder.encode([heading for _, heading in _NAMES])
        return self._vectors[id(encoder)]

    def find(self, text: str, reader: Reader) -> dict[int, str]:
        """Line start -> section name, for each heading-like line taken for a heading."""
        lines = heading_like_lines(text)
        if not lines:
            return {}
        vectors = reader.encoder.encode([line.text for line in lines])
        similarity = vectors @ self._headings(reader.encoder).T
        skills = reader.skill_index.search(vectors, k=1, languages=reader.labels)
        found = {}
        for line, row, hits in zip(lines, similarity, skills):
            best = int(np.argmax(row))
            skill = hits[0].score if hits else 0.0
            if row[best] >= reader.occupation_threshold and row[best] > skill:
                found[line.start] = _NAMES[best][0]
        return found
