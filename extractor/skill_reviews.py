"""The participant's word on their profile: a skill confirmed is shown, a skill rejected is used by nothing.

Extraction is not sure of everything it keeps (a CV's ``possible_skills``), and it is sometimes wrong about what it
shows. The participant knows: a confirmed skill moves to (or stays in) ``skills``; a rejected one moves to
``rejected_skills``, which neither matching (``index.cards``) nor explanations read; "unreviewed" undoes either,
putting the skill back in the tier extraction gave it. Each verdict is kept on the skill (``Review``) with that
tier, so the verdicts can be counted against what extraction said (``eval.review_counts``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from extractor.errors import InputError
from extractor.profile import CompetenceProfile, ConceptMatch, Review, Tier

Verdict = Literal["confirmed", "rejected", "unreviewed"]
SKILL_LISTS: tuple[str, ...] = ("skills", "possible_skills", "rejected_skills")  # where a CV's skills are


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _find(profile: CompetenceProfile, uri: str) -> tuple[str, ConceptMatch]:
    for name in SKILL_LISTS:
        for skill in getattr(profile, name):
            if skill.uri == uri:
                return name, skill
    raise InputError("unknown_skill", f"the profile has no skill {uri!r} (found, possible or rejected)", 404)


def review_skill(profile: CompetenceProfile, uri: str, verdict: Verdict, at: str | None = None) -> CompetenceProfile:
    """A copy of ``profile`` with the participant's verdict on the skill ``uri``: "confirmed" (shown, marked so),
    "rejected" (moved to ``rejected_skills``) or "unreviewed" (back in the tier extraction gave it, unmarked). A
    skill the profile does not hold is a 404 ``InputError``. Only a CV's owner gives verdicts
    (``MatchingService.review_skill``); ads have none."""
    held_in, skill = _find(profile, uri)
    extracted_as: Tier = skill.review.extracted_as if skill.review else held_in  # type: ignore[assignment]
    if verdict == "unreviewed":
        moved, target = skill.model_copy(update={"review": None}), extracted_as
    else:
        review = Review(verdict=verdict, extracted_as=extracted_as, at=at or _now())
        moved = skill.model_copy(update={"review": review})
        target = "skills" if verdict == "confirmed" else "rejected_skills"
    lists = {name: [s for s in getattr(profile, name) if s.uri != uri] for name in SKILL_LISTS}
    if target == held_in:  # stays where it is, in its place
        lists[target] = [moved if s.uri == uri else s for s in getattr(profile, target)]
    else:
        lists[target].append(moved)
    return profile.model_copy(update=lists)


def reviewed(profile: CompetenceProfile) -> list[ConceptMatch]:
    """The profile's skills the participant has given a verdict on, in any tier."""
    return [s for name in SKILL_LISTS for s in getattr(profile, name) if s.review is not None]


def as_others_see(profile: CompetenceProfile) -> CompetenceProfile:
    """The profile as anyone but its owner sees it (a coordinator's cohort): without the skills the participant
    rejected."""
    return profile.model_copy(update={"rejected_skills": []})
