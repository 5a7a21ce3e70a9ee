"""Participants' verdicts as examples for the keep model: the labels of CVs met in use.

The keep model (``eval.keep_training``) learns from labelled CV sets written for evaluation, and its precision falls
on CVs written apart from them (issue 13: 0.85 asked, 0.848 measured). The participants' verdicts
(``extractor.skill_reviews``) label skills of real CVs: each reviewed CV is read again as the service reads it (its
stored text, already masked, as a CV) and every candidate of a skill the participant confirmed is an example labelled
right, of one they rejected an example labelled wrong. Candidates nobody gave a verdict on are left out, as an
unjudged candidate of a CV set is: a participant who checks two skills says nothing of the rest. A verdict whose
skill is no longer a candidate (extraction has changed since) is counted, not learned from.

The verdicts are no random sample (people check what catches their eye, and possible skills are asked about), so
they teach the weights but have no say in the threshold, like the judged ads of a match set: ``train`` leaves a set
without gold lists out of the threshold's choice.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from eval.keep_training import Example, labelled_candidates
from extractor.profile import CompetenceProfile
from extractor.skill_reviews import reviewed

SET_NAME = "reviews"


def verdict_examples(profiles: Iterable[CompetenceProfile], draft: Callable[[str, str], Any],
                     name: str = SET_NAME) -> tuple[list[Example], dict]:
    """The labelled candidates of every reviewed CV in ``profiles`` (``draft``: ``CompetenceExtractor.draft``) and
    their counts: CVs with verdicts, verdicts, candidates left unlabelled, verdicts on skills no longer found."""
    found: list[Example] = []
    cvs = verdicts = unjudged = lost = 0
    for number, profile in enumerate(profiles):
        said = {skill.uri: skill.review.verdict == "confirmed" for skill in reviewed(profile) if skill.review}
        if not said:
            continue
        cvs += 1
        verdicts += len(said)
        of_cv, unsaid = labelled_candidates(name, f"{name}_{number}", draft(profile.text, "cv"),
                                            lambda uri: (said[uri], False) if uri in said else None)
        found += of_cv
        unjudged += unsaid
        lost += len(set(said) - {example.uri for example in of_cv})
    return found, {name: {"cvs": cvs, "gold": 0, "unjudged": unjudged, "verdicts": verdicts,
                          "verdicts_not_found": lost}}
