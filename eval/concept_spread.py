"""How widely each concept is found in a collection's profiles: a check that needs no gold lists.

A concept found in most CVs of a collection whatever their field is more often a word read in the wrong sense than
a competence that so many people share: when issue 13 was filed, the heading "Skill Details" gave *identify skills
gaps* in 121 of 166 public resumes and "reports" gave *journalism* in 60. For a labelled collection of real CVs (a
public resume set, ``matcha eval spread --csv``) this lists every concept the profiles name with the CVs and the
fields it is found in and the words it was found by, the most widespread first: where to look for errors in data
that nobody has labelled concept by concept.
"""

from __future__ import annotations

from collections import Counter

from extractor.profile import ConceptMatch

TOP_EXAMPLES = 3  # fields and evidence shown per concept


def concept_spread(profiles: list[tuple[str, list[ConceptMatch]]]) -> dict:
    """``profiles``: per CV, its field (label) and the skills of its profile. Returns the collection's counts and,
    per concept (most CVs first, then label), the CVs and fields it is found in (count and share of all), its
    commonest fields and the texts it was found by (each counted once per CV, lower case)."""
    fields_all = {field for field, _ in profiles}
    rows: dict[str, dict] = {}
    for field, skills in profiles:
        for skill in {s.uri: s for s in skills}.values():  # a concept counts once per CV
            row = rows.setdefault(skill.uri, {"uri": skill.uri, "label": skill.label, "cvs": 0,
                                              "fields": Counter(), "evidence": Counter()})
            row["cvs"] += 1
            row["fields"][field] += 1
            row["evidence"].update({" ".join(e.text.split()).lower() for e in skill.evidence})
    n = len(profiles)
    concepts = [{"uri": row["uri"], "label": row["label"], "cvs": row["cvs"],
                 "cv_share": round(row["cvs"] / n, 3), "fields": len(row["fields"]),
                 "field_share": round(len(row["fields"]) / len(fields_all), 3),
                 "top_fields": row["fields"].most_common(TOP_EXAMPLES),
                 "evidence": row["evidence"].most_common(TOP_EXAMPLES)}
                for row in rows.values()]
    concepts.sort(key=lambda c: (-c["cvs"], c["label"]))
    return {"cvs": n, "fields": len(fields_all),
            "skills_per_cv": round(sum(len({s.uri for s in skills}) for _, skills in profiles) / n, 2) if n else 0.0,
            "concepts": len(concepts),
            "in_half_of_cvs_or_more": sum(c["cv_share"] >= 0.5 for c in concepts),
            "concept_list": concepts}
