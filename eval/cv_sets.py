"""CV sets with complete hand-listed competences: what `extract` finds against what a coach would list.

A set is a folder of JSON files, one per CV: ``{"id", "field", "text", "skills": [{"uri", "label",
"evidence"}]}``. Scored per set half: the files whose id starts with 01-10 are the tuning half, the rest the
reporting half (figures tuned on the first are reported on the second); in a folder holding a file named
``TRAINING`` (a training set, never reported on) every CV is in the tuning half.

The gold lists name one ESCO skill per competence a writer saw; a profile may name a true competence the list
leaves out (a second wording, a tool beside its skill). A set may also hold ``judgements.tsv``: pooled, blind
judgements of such concepts (``id, uri, label, source, judge_a, judge_b``; source ``gold``, ``found`` (in a
profile, not in the gold list) or ``decoy`` (from another field's profile), each judge ``Y`` or ``N``). Judged
precision counts a found concept as right when it is in the gold list or both judges said Y; a concept no judge
saw counts as wrong, so it is a lower bound that falls as the extractor finds new concepts. Pooled recall is
the share of every concept known right for a CV (its gold list and the concepts the judges accepted, whoever
proposed them) that its profile names.

The ads of a match set (``eval/data/match_sets/ads``: documents with a ``title`` and a ``split``) are read the same
way, with no gold list: their title and text as the service reads an ad (nothing masked), the ``tune`` split as the
tuning half; judged, they give the judged precision and pooled recall of the requirement profiles that matching
ranks on.
"""

from __future__ import annotations

import json
import csv
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

from eval.intervals import ratio_interval
from extractor.anonymise import mask_personal_details
from extractor.facts import language_code
from extractor.profile import CompetenceProfile
from matcha.document_reader import ad_text
from store.records import AdIn
from taxonomy.model import Taxonomy


@dataclass
class LabelledCv:
    id: str
    field: str
    text: str
    gold: set[str]
    labels: dict[str, str]
    judged: dict[str, tuple[str, ...]] = field(default_factory=dict)  # uri -> the judges' votes (Y/N)
    sources: dict[str, str] = field(default_factory=dict)             # uri -> where the judged concept came from
    training: bool = False                                             # the set is training data only
    split: str = ""        # a match set's document: "tune" or "report" (its half), "" for a CV set's file
    ad: bool = False       # an ad of a match set: read as the service reads ads (title and text, nothing masked)

    @property
    def supported(self) -> set[str]:
        """The gold list and the concepts every judge said the CV shows."""
        return self.gold | {uri for uri, votes in self.judged.items() if votes and all(v == "Y" for v in votes)}

    @cached_property
    def served_text(self) -> str:
        """The text the service extracts a CV's profile from: its personal details masked, as
        ``matcha.document_reader`` does before extraction (an ad's text as it is). Scoring, judging and training
        read this, so that the figures are those of what users get."""
        return self.text if self.ad else mask_personal_details(self.text).text


JUDGEMENTS = "judgements.tsv"
TRAINING = "TRAINING"


def read_judgements(folder: Path) -> dict[str, list[dict[str, str]]]:
    """CV id -> its judged concepts (rows of ``judgements.tsv``); empty where the set has none."""
    path = Path(folder) / JUDGEMENTS
    if not path.exists():
        return {}
    rows: dict[str, list[dict[str, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows.setdefault(row["id"], []).append(row)
    return rows


def read_cv_set(folder: Path) -> list[LabelledCv]:
    cvs = []
    judgements = read_judgements(folder)
    training = (Path(folder) / TRAINING).exists()
    for path in sorted(Path(folder).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        skills = data.get("skills", [])
        judged = judgements.get(data["id"], [])
        ad = "title" in data and "split" in data  # a match set's ad: read as the service reads a posted ad
        text = ad_text(AdIn(title=data["title"], text=data["text"])) if ad else data["text"]
        cvs.append(LabelledCv(data["id"], data.get("field", ""), text, {s["uri"] for s in skills},
                              {s["uri"]: s.get("label", "") for s in skills},
                              {row["uri"]: _votes(row) for row in judged}, {row["uri"]: row["source"] for row in judged},
                              training, data.get("split", ""), ad))
    return cvs


def _votes(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[k].strip().upper() for k in sorted(row) if k.startswith("judge_") and row[k].strip())


def document_kind(cvs: list[LabelledCv]) -> str:
    """How the service reads a set's documents (``extractor.coherence.DOCUMENTS``): a match set's ads as ads, CVs as
    CVs."""
    return "ad" if any(cv.ad for cv in cvs) else "cv"


def half_of(cv: LabelledCv, tuning_ids: int = 10) -> str:
    if cv.training:
        return "tuning"
    if cv.split:
        return "tuning" if cv.split == "tune" else "reporting"
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


def score_cvs(cvs: list[LabelledCv], extract: Callable[[str], CompetenceProfile]) -> dict:
    """Micro-averaged precision, recall and F1 per half and overall, and each CV's misses and extras. Where the
    set has judgements: judged precision (a found concept is right when it is in the gold list or every judge said
    the CV shows it) and how many found concepts no judge saw (counted as wrong). Recall and judged precision come
    with a 95 % interval over the CVs drawn (``eval.intervals``: ``recall_ci95``, ``judged_precision_ci95``).
    ``figures`` and ``cvs`` score the profile people see (``skills``); ``matching_figures`` and ``matching_cvs``
    the concepts matching ranks on (``skills`` and ``possible_skills``)."""
    shown, matching = [], []
    for cv in cvs:
        profile = extract(cv.served_text)
        shown.append(_scored_cv(cv, {s.uri: s.label for s in profile.skills}))
        matching.append(_scored_cv(cv, {s.uri: s.label for s in (*profile.skills, *profile.possible_skills)}))
    return {"figures": summarise(shown), "cvs": shown,
            "matching_figures": summarise(matching), "matching_cvs": matching}


def _scored_cv(cv: LabelledCv, found: dict[str, str]) -> dict:
    """One CV's row of ``score_cvs`` for the concepts ``found`` (uri -> label)."""
    tp, n_found, n_gold = set_scores(set(found), cv.gold)
    return {"id": cv.id, "half": half_of(cv), "tp": tp, "found": n_found, "gold": n_gold,
            "judged_right": len(set(found) & cv.supported), "supported": len(cv.supported),
            "unjudged": len(set(found) - cv.gold - set(cv.judged)), "judged": bool(cv.judged),
            "missed": sorted(cv.labels[u] for u in cv.gold - set(found)),
            "extra": sorted(label for u, label in found.items() if u not in cv.supported)}


def summarise(per_cv: list[dict]) -> dict[str, dict]:
    """The figures of ``score_cvs`` per half ("tuning", "reporting") and "all", from its per-CV rows (of one set,
    or of several pooled)."""
    judged_sets = any(row["judged"] for row in per_cv)
    figures = {}
    for key in dict.fromkeys([row["half"] for row in per_cv] + ["all"]):
        rows = [row for row in per_cv if key == "all" or row["half"] == key]
        if not rows:
            continue
        tp, n_found, n_gold, right, unjudged, supported = (
            sum(row[name] for row in rows) for name in ("tp", "found", "gold", "judged_right", "unjudged", "supported"))
        figures[key] = {**precision_recall(tp, n_found, n_gold), "n": len(rows),
                        "recall_ci95": ratio_interval([r["tp"] for r in rows], [r["gold"] for r in rows])}
        if judged_sets:
            figures[key]["judged_precision"] = round(right / n_found, 4) if n_found else 0.0
            figures[key]["judged_precision_ci95"] = ratio_interval([r["judged_right"] for r in rows],
                                                                   [r["found"] for r in rows])
            figures[key]["pooled_recall"] = round(right / supported, 4) if supported else 0.0
            figures[key]["unjudged"] = unjudged
    return figures


def judging_audit(cvs: list[LabelledCv]) -> dict:
    """How far the judgements can be trusted: the share of Y per source and judge (gold concepts should be Y,
    decoys from other fields N), the judges' agreement and Cohen's kappa."""
    by_source: dict[str, list[tuple[str, ...]]] = {}
    for cv in cvs:
        for uri, votes in cv.judged.items():
            by_source.setdefault(cv.sources.get(uri, "?"), []).append(votes)
    audit: dict = {}
    for source, votes in sorted(by_source.items()):
        judges = max(len(v) for v in votes)
        audit[f"{source}_n"] = len(votes)
        for j in range(judges):
            audit[f"{source}_yes_judge_{'abcdefgh'[j]}"] = round(sum(v[j] == "Y" for v in votes if len(v) > j)
                                                                / len(votes), 3)
    pairs = [v for votes in by_source.values() for v in votes if len(v) >= 2]
    if pairs:
        agree = sum(v[0] == v[1] for v in pairs) / len(pairs)
        p_a, p_b = (sum(v[i] == "Y" for v in pairs) / len(pairs) for i in (0, 1))
        chance = p_a * p_b + (1 - p_a) * (1 - p_b)
        audit["agreement"] = round(agree, 3)
        audit["kappa"] = round((agree - chance) / (1 - chance), 3) if chance < 1 else 1.0
    return audit


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
