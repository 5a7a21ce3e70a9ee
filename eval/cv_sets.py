"""CV sets with complete hand-listed competences: what `extract` finds against what a coach would list.

A set is a folder of JSON files, one per CV: ``{"id", "field", "text", "skills": [{"uri", "label",
"evidence"}]}``. Scored per set half: the files whose id starts with 01-10 are the tuning half, the rest the
reporting half (figures tuned on the first are reported on the second).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from extractor.facts import language_code
from extractor.profile import CompetenceProfile
from taxonomy.model import Taxonomy


@dataclass
class LabelledCv:
    id: str
    field: str
    text: str
    gold: set[str]
    labels: dict[str, str]


def read_cv_set(folder: Path) -> list[LabelledCv]:
    cvs = []
    for path in sorted(Path(folder).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        skills = data.get("skills", [])
        cvs.append(LabelledCv(data["id"], data.get("field", ""), data["text"], {s["uri"] for s in skills},
                              {s["uri"]: s.get("label", "") for s in skills}))
    return cvs


def half_of(cv: LabelledCv, tuning_ids: int = 10) -> str:
    number = int(cv.id.split("_", 1)[0]) if cv.id[:2].isdigit() else 0
    return "tuning" if number <= tuning_ids else "reporting"


def set_scores(found: set[str], gold: set[str]) -> tuple[int, int, int]:
    """(true positives, found, gold)."""
    return len(found & gold), len(found), len(gold)


def precision_recall(tp: int, n_found: int, n_gold: int) -> dict[str, float]:
    """Micro-averaged set precision, recall and F1 from summed counts."""
    precision = tp / n_found if n_found else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def score_cvs(cvs: list[LabelledCv], extract: Callable[[str], CompetenceProfile],
              min_confidence: float = 0.0) -> dict:
    """Micro-averaged precision, recall and F1 per half and overall, and each CV's misses and extras."""
    totals: dict[str, list[int]] = {}
    per_cv = []
    for cv in cvs:
        profile = extract(cv.text)
        found = {s.uri: s.label for s in profile.skills if s.confidence >= min_confidence}
        tp, n_found, n_gold = set_scores(set(found), cv.gold)
        for key in (half_of(cv), "all"):
            acc = totals.setdefault(key, [0, 0, 0])
            acc[0] += tp
            acc[1] += n_found
            acc[2] += n_gold
        per_cv.append({"id": cv.id, "half": half_of(cv), "tp": tp, "found": n_found, "gold": n_gold,
                       "missed": sorted(cv.labels[u] for u in cv.gold - set(found)),
                       "extra": sorted(label for u, label in found.items() if u not in cv.gold)})
    figures = {}
    for key, (tp, n_found, n_gold) in totals.items():
        figures[key] = {**precision_recall(tp, n_found, n_gold),
                        "n": sum(1 for cv in cvs if key == "all" or half_of(cv) == key)}
    return {"figures": figures, "cvs": per_cv}


def language_concepts(taxonomy: Taxonomy) -> dict[str, str]:
    """ISO 639-1 code -> the taxonomy's concept of that language (*English*, *Swedish*)."""
    found: dict[str, tuple[int, str]] = {}
    for concept in taxonomy.concepts.values():
        label = concept.label("en")
        code = language_code(label) if concept.is_language else None
        if code is not None and (code not in found or len(label) < found[code][0]):  # not *write Hungarian*
            found[code] = (len(label), concept.uri)
    return {code: uri for code, (_, uri) in found.items()}


def score_sentences(sentences: list[tuple[str, set[str]]], extract: Callable[[str], CompetenceProfile],
                    languages: dict[str, str] | None = None) -> dict:
    """The same set-level figures for single sentences with (not exhaustive) gold skills, e.g. Decorte et al.:
    every skill ``extract`` finds in a sentence counts, also in sentences without a gold skill in the taxonomy,
    so precision is a lower bound. Where the gold lists name languages (Decorte does, *English* for "speak and
    write fluently English"), pass ``languages`` (``language_concepts``): a language the profile states as a fact
    counts as that language's concept. The CV sets leave languages out of their gold lists, and ``score_cvs``
    out of what it counts."""
    tp = n_found = n_gold = 0
    for text, gold in sentences:
        profile = extract(text)
        found = {s.uri for s in profile.skills}
        found |= {languages[spoken.language] for spoken in profile.languages if spoken.language in (languages or {})}
        counts = set_scores(found, gold)
        tp, n_found, n_gold = tp + counts[0], n_found + counts[1], n_gold + counts[2]
    return {**precision_recall(tp, n_found, n_gold), "found": n_found, "gold": n_gold, "n": len(sentences)}
