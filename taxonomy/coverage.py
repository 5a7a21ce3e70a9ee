"""How much of the taxonomy has labels in a language, per ESCO top group (what `matcha taxonomy info` shows)."""

from __future__ import annotations

from collections import Counter

from taxonomy.model import Concept, Taxonomy


def top_group(concept: Concept) -> str:
    """ESCO top group of a skill: S1-S8 (skills), K00-K10 (knowledge, by ISCED field), T1-T6 (transversal), A1-A2
    (attitudes), L (languages); "other" where the hierarchy does not say. Occupations: "occupation"."""
    if concept.kind == "occupation":
        return "occupation"
    for code in concept.broader:
        code = code.rsplit("/", 1)[-1]
        if code[:1] == "K" and len(code) >= 3:
            return code[:3]
        if code[:1] in "STAL":
            return code.split(".", 1)[0]
    return "other"


def language_coverage(taxonomy: Taxonomy, lang: str) -> dict[str, dict]:
    """Per top group: concepts, those with a label in ``lang``, and the share."""
    total: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    for concept in taxonomy.concepts.values():
        group = top_group(concept)
        total[group] += 1
        if lang in concept.labels or concept.alt_labels.get(lang):
            covered[group] += 1
    return {group: {"label": taxonomy.groups.get(group, ""), "concepts": total[group], "with_label": covered[group],
                    "share": round(covered[group] / total[group], 3)}
            for group in sorted(total)}
