"""Blind pooled judging of CV sets: the gold lists name one skill per competence a writer saw, so a profile's
concept missing from them may still be right. Judges read each CV with a shuffled list of concepts (the gold
list's, the profile's and decoys: concepts of other fields' profiles) and say for each whether the CV shows it,
without knowing where any came from. The decoys and the gold concepts tell how far the judges can be trusted
(``eval.cv_sets.judging_audit``); the votes go to the set's ``judgements.tsv`` (``eval.cv_sets.JUDGEMENTS``).

Two steps with judges in between: ``write_sheets`` (one ``ID.txt`` per CV, and a key outside the judges' folder
saying where each item came from) and ``collect`` (each judge writes ``ID.J.tsv``: ``number<TAB>Y|N<TAB>why``).
Concepts judged before are not asked again, so a later extractor's new concepts can be judged alone.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from eval.cv_sets import JUDGEMENTS, LabelledCv, read_judgements
from taxonomy.model import Taxonomy

FIELDS = ["id", "uri", "label", "source"]


def _field(cv: LabelledCv) -> str:
    return cv.field or cv.id.split("_", 1)[-1]


def pool(cvs: list[LabelledCv], found: dict[str, set[str]], seed: int = 20261130,
         decoy_share: float = 0.2) -> dict[str, list[tuple[str, str]]]:
    """CV id -> shuffled (uri, source) to judge: its gold and found concepts not judged yet, and decoys (at least
    four, ``decoy_share`` of the rest) drawn from the profiles of CVs of other fields."""
    rng = random.Random(seed)
    items: dict[str, list[tuple[str, str]]] = {}
    for cv in cvs:
        own = [(uri, "gold") for uri in sorted(cv.gold)] + [(uri, "found") for uri in sorted(found[cv.id] - cv.gold)]
        own = [(uri, source) for uri, source in own if uri not in cv.judged]
        taken = cv.gold | found[cv.id] | set(cv.judged)
        others = sorted({uri for other in cvs if _field(other) != _field(cv) for uri in found[other.id]} - taken)
        decoys = rng.sample(others, min(len(others), max(4, round(decoy_share * len(own))))) if own else []
        chosen = own + [(uri, "decoy") for uri in decoys]
        rng.shuffle(chosen)
        items[cv.id] = chosen
    return items


def write_sheets(cvs: list[LabelledCv], items: dict[str, list[tuple[str, str]]], taxonomy: Taxonomy,
                 out: Path, key: Path) -> int:
    """One sheet per CV with items (the CV's text, then ``number | label | description``) in ``out``, and the key
    (``id, number, uri, label, source``; keep it where judges do not look); returns the number of items."""
    out.mkdir(parents=True, exist_ok=True)
    key_rows = []
    for cv in cvs:
        if not items[cv.id]:
            continue
        lines = [f"# {'Ad' if cv.ad else 'CV'} {cv.id}", "", cv.served_text.strip(), "",
                 "# Competences to judge (number | label | ESCO description)", ""]
        for number, (uri, source) in enumerate(items[cv.id], 1):
            concept = taxonomy.get(uri)
            label = concept.label("en") if concept else uri
            description = " ".join((concept.description if concept else "").split())[:220]
            lines.append(f"{number} | {label} | {description}")
            key_rows.append({"id": cv.id, "number": str(number), "uri": uri, "label": label, "source": source})
        (out / f"{cv.id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    key.parent.mkdir(parents=True, exist_ok=True)
    with key.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "number", "uri", "label", "source"], delimiter="\t")
        writer.writeheader()
        writer.writerows(key_rows)
    return len(key_rows)


def read_votes(path: Path) -> dict[str, str]:
    """A judge's file: number -> Y or N (anything else is an error, so that no judgement is guessed)."""
    votes = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        number, vote = (part.strip() for part in line.split("\t")[:2])
        if vote.upper() not in ("Y", "N"):
            raise ValueError(f"{path.name}: item {number} has vote {vote!r}, not Y or N")
        votes[number] = vote.upper()
    return votes


def collect(sheets: Path, key: Path, judges: list[str], set_folder: Path) -> int:
    """Add the judges' votes on the sheets to the set's ``judgements.tsv`` (rows judged before are kept); every
    item must have a vote from every judge. Returns the number of rows added."""
    with key.open(encoding="utf-8", newline="") as handle:
        keyed = list(csv.DictReader(handle, delimiter="\t"))
    votes = {(cv_id, judge): read_votes(sheets / f"{cv_id}.{judge}.tsv")
             for cv_id in {row["id"] for row in keyed} for judge in judges}
    columns = FIELDS + [f"judge_{judge.lower()}" for judge in judges]
    rows = []
    for row in keyed:
        missing = [judge for judge in judges if row["number"] not in votes[(row["id"], judge)]]
        if missing:
            raise ValueError(f"{row['id']} item {row['number']}: no vote from judge {', '.join(missing)}")
        rows.append({**{k: row[k] for k in FIELDS},
                     **{f"judge_{judge.lower()}": votes[(row["id"], judge)][row["number"]] for judge in judges}})
    path = Path(set_folder) / JUDGEMENTS
    old = [row for judged in read_judgements(set_folder).values() for row in judged]
    seen = {(row["id"], row["uri"]) for row in old}
    rows = [row for row in rows if (row["id"], row["uri"]) not in seen]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, delimiter="\t", restval="")
        writer.writeheader()
        writer.writerows(sorted(old + rows, key=lambda r: (r["id"], r["source"], r["label"])))
    return len(rows)
