"""Importer for the official ESCO CSV export (what deployers download from the ESCO portal).

Reads every language present: ``skills_<lang>.csv``, ``occupations_<lang>.csv``,
``occupationSkillRelations_<lang>.csv`` (essential/optional), ``broaderRelationsSkillPillar_<lang>.csv`` and
``broaderRelationsOccPillar_<lang>.csv`` (hierarchy), ``skillGroups_<lang>.csv`` and ``ISCOGroups_<lang>.csv``.
"""

from __future__ import annotations

import csv
import logging
import re
from pathlib import Path
from typing import Iterator

from taxonomy.model import Concept, Taxonomy

log = logging.getLogger(__name__)

_LANG_FILE = re.compile(r"^(?P<stem>[A-Za-z]+)_(?P<lang>[a-z]{2,3}(?:-[A-Za-z]+)?)\.csv$")


class EscoImportError(ValueError):
    pass


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(10_000_000)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.DictReader(fh)


def _files(folder: Path) -> dict[str, dict[str, Path]]:
    """stem -> language -> path, e.g. files['skills']['sv']."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(folder.glob("*.csv")):
        match = _LANG_FILE.match(path.name)
        if match:
            found.setdefault(match["stem"], {})[match["lang"]] = path
    return found


def _split_labels(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split("\n") if part.strip()]


def _add_concepts(taxonomy: Taxonomy, path: Path, lang: str, kind: str) -> None:
    for row in _rows(path):
        uri = (row.get("conceptUri") or "").strip()
        if not uri or (row.get("status") or "released") not in ("released", ""):
            continue
        concept = taxonomy.concepts.get(uri)
        if concept is None:
            concept = taxonomy.concepts[uri] = Concept(uri=uri, kind=kind)  # type: ignore[arg-type]
        concept.add_label(lang, row.get("preferredLabel", ""), preferred=True)
        for alt in _split_labels(row.get("altLabels")):
            concept.add_label(lang, alt)
        if lang == "en" or not concept.description:
            concept.description = (row.get("description") or row.get("definition") or concept.description).strip()
        if kind == "occupation" and row.get("iscoGroup"):
            concept.isco = row["iscoGroup"].strip()


def import_esco_csv(folder: Path, name: str = "esco") -> Taxonomy:
    folder = Path(folder)
    if not folder.is_dir():
        raise EscoImportError(f"{folder} is not a folder")
    files = _files(folder)
    if "skills" not in files and "occupations" not in files:
        raise EscoImportError(f"no skills_<lang>.csv or occupations_<lang>.csv in {folder}")
    taxonomy = Taxonomy(name=name, version="official CSV export", source=str(folder))
    # English first, so descriptions and preferred labels default to English where present.
    for stem, kind in (("skills", "skill"), ("occupations", "occupation")):
        for lang in sorted(files.get(stem, {}), key=lambda lang: (lang != "en", lang)):
            _add_concepts(taxonomy, files[stem][lang], lang, kind)
    for stem in ("skillGroups", "ISCOGroups"):
        for lang, path in files.get(stem, {}).items():
            for row in _rows(path):
                uri = (row.get("conceptUri") or "").strip()
                if uri and (lang == "en" or uri not in taxonomy.groups):
                    taxonomy.groups[uri] = (row.get("preferredLabel") or "").strip()
    for stem in ("broaderRelationsSkillPillar", "broaderRelationsOccPillar"):
        path = next(iter(files.get(stem, {}).values()), None)
        for row in _rows(path) if path else ():
            concept = taxonomy.concepts.get((row.get("conceptUri") or "").strip())
            broader = (row.get("broaderUri") or "").strip()
            if concept is not None and broader and broader not in concept.broader:
                concept.broader.append(broader)
    path = next(iter(files.get("occupationSkillRelations", {}).values()), None)
    for row in _rows(path) if path else ():
        occupation, skill = (row.get("occupationUri") or "").strip(), (row.get("skillUri") or "").strip()
        relation = (row.get("relationType") or "").strip().lower()
        if occupation in taxonomy.concepts and skill in taxonomy.concepts and relation in ("essential", "optional"):
            taxonomy.relations.setdefault(occupation, {"essential": [], "optional": []})[relation].append(skill)
    log.info("imported ESCO CSV from %s: %s", folder, taxonomy.counts())
    return taxonomy
