"""What an ad requires and what it calls a plus: from its sections ("Krav" / "Meriterande", "Requirements" /
"Nice to have") and from cue words in the line of each mention ("är ett krav", "meriterande", "a plus")."""

from __future__ import annotations

import re
from typing import Literal

from extractor.profile import CompetenceProfile, Evidence
from extractor.sections import line_at

Need = Literal["essential", "optional"]

_PLUS = re.compile(r"(?i)\b(?:meriterande|meriterar|merit|önskvärt|önskvärd|fördel|plus|bonus|nice to have|"
                   r"preferabl[ey]|preferred|desirable|advantage|helst)\b")
_MUST = re.compile(r"(?i)\b(?:krav|kräver|kräv[s]|måste|ska ha|skall ha|behöver|obligatorisk\w*|required|"
                   r"requirement|requires|must|essential|necessary|mandatory)\b")


def need_of(evidence: Evidence, text: str) -> Need | None:
    """'essential', 'optional', or None where neither the section nor the line says."""
    if evidence.section == "merits":
        return "optional"
    if evidence.section == "requirements":
        return "essential" if not _PLUS.search(line_at(text, evidence.start)) else "optional"
    line = line_at(text, evidence.start)
    if _PLUS.search(line):
        return "optional"
    if _MUST.search(line):
        return "essential"
    return None


def split_requirements(profile: CompetenceProfile) -> tuple[list[str], list[str]]:
    """(essential, optional) skill URIs of an ad. A skill is essential where any mention says so, optional where
    a mention calls it a plus; skills in untagged text are essential only if the ad states no requirements."""
    essential, optional, unstated = [], [], []
    for skill in profile.skills:
        needs = {need_of(e, profile.text) for e in skill.evidence}
        if "essential" in needs:
            essential.append(skill.uri)
        elif "optional" in needs:
            optional.append(skill.uri)
        else:
            unstated.append(skill.uri)
    if essential:
        optional.extend(unstated)
    else:
        essential.extend(unstated)
    return essential, optional


def required(evidence: list[Evidence], text: str) -> bool:
    """A language or licence mentioned in an ad is required unless every mention calls it a plus."""
    return any(need_of(e, text) != "optional" for e in evidence) if evidence else False
