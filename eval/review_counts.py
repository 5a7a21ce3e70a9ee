"""What participants said of their profiles: extraction's two tiers counted against their verdicts.

These are the only labels that come from the people the profiles describe (``extractor.skill_reviews``). They are counted
per kind of CV (Swedish CVs and all others: the keep model's shown thresholds differ) and per tier extraction gave
the skill. Of the shown skills participants reviewed, the share confirmed is the shown profile's precision as its
owners see it; of the possible skills, the share confirmed says how often the less certain tier was right. Reviewed
skills are no random sample (people check what catches their eye, and a possible skill is asked about), so each
share comes with its counts, the share of skills reviewed, and an interval over CVs (``eval.intervals``)."""

from __future__ import annotations

from typing import Iterable

from eval.intervals import ratio_interval
from extractor.profile import CompetenceProfile
from extractor.skill_reviews import SKILL_LISTS, reviewed

TIERS = ("skills", "possible_skills")


def _group(profile: CompetenceProfile) -> str:
    return "cv_sv" if profile.language == "sv" else "cv"


def tally(profiles: Iterable[CompetenceProfile]) -> dict:
    """Per kind of CV and tier extraction gave: skills found, reviewed, confirmed, rejected, the share confirmed
    (None where none was reviewed) and its 95% interval over CVs."""
    per_cv: dict[str, dict[str, list[tuple[int, int, int]]]] = {}
    cvs = with_reviews = 0
    for profile in profiles:
        cvs += 1
        with_reviews += bool(reviewed(profile))
        counts = {tier: [0, 0, 0] for tier in TIERS}  # found, confirmed, rejected
        for name in SKILL_LISTS:
            for skill in getattr(profile, name):
                tier = skill.review.extracted_as if skill.review else name
                counts[tier][0] += 1
                if skill.review:
                    counts[tier][1 if skill.review.verdict == "confirmed" else 2] += 1
        group = per_cv.setdefault(_group(profile), {tier: [] for tier in TIERS})
        for tier in TIERS:
            group[tier].append(tuple(counts[tier]))  # type: ignore[arg-type]
    groups = {name: {tier: _figures(rows) for tier, rows in tiers.items()} for name, tiers in sorted(per_cv.items())}
    return {"cvs": cvs, "cvs_with_reviews": with_reviews, "groups": groups}


def _figures(rows: list[tuple[int, int, int]]) -> dict:
    found = sum(r[0] for r in rows)
    confirmed, rejected = sum(r[1] for r in rows), sum(r[2] for r in rows)
    done = confirmed + rejected
    share = round(confirmed / done, 4) if done else None
    interval = ratio_interval([r[1] for r in rows], [r[1] + r[2] for r in rows]) if done else None
    return {"found": found, "reviewed": done, "reviewed_share": round(done / found, 4) if found else None,
            "confirmed": confirmed, "rejected": rejected, "confirmed_share": share, "confirmed_share_ci95": interval}
