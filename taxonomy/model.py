"""One common in-memory form for every taxonomy source (registry packages, official ESCO CSV, lexicons)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Literal

Kind = Literal["skill", "occupation"]


@dataclass
class Concept:
    uri: str
    kind: Kind
    labels: dict[str, str] = field(default_factory=dict)            # language -> preferred label
    alt_labels: dict[str, list[str]] = field(default_factory=dict)  # language -> alternative labels
    description: str = ""
    broader: list[str] = field(default_factory=list)                # broader concepts or skill groups
    isco: str = ""                                                  # ISCO group code (occupations)

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or next(iter(self.labels.values()), self.uri)

    def labels_in(self, lang: str) -> list[str]:
        """The preferred label and the alternatives in ``lang``, preferred first."""
        return ([self.labels[lang]] if lang in self.labels else []) + list(self.alt_labels.get(lang, []))

    @property
    def is_language(self) -> bool:
        """A language skill ("Swedish", "interact verbally in Arabic"): ESCO files them under group "L"."""
        return any(group.startswith("L") for group in self.broader)

    def add_label(self, lang: str, text: str, preferred: bool = False) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if preferred and lang not in self.labels:
            self.labels[lang] = text
            return
        if text == self.labels.get(lang):
            return
        alts = self.alt_labels.setdefault(lang, [])
        if text not in alts:
            alts.append(text)

    def to_dict(self) -> dict:
        data = {"uri": self.uri, "kind": self.kind, "labels": self.labels, "alt_labels": self.alt_labels}
        if self.description:
            data["description"] = self.description
        if self.broader:
            data["broader"] = self.broader
        if self.isco:
            data["isco"] = self.isco
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Concept":
        return cls(uri=data["uri"], kind=data["kind"], labels=data.get("labels", {}),
                   alt_labels=data.get("alt_labels", {}), description=data.get("description", ""),
                   broader=data.get("broader", []), isco=data.get("isco", ""))


@dataclass(frozen=True)
class LabelEntry:
    """One surface form of a concept: what phrase matching and label embeddings run over."""

    text: str
    lang: str
    uri: str
    preferred: bool


@dataclass
class Taxonomy:
    name: str
    version: str
    source: str
    concepts: dict[str, Concept] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)                     # group id -> label
    relations: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # occupation -> essential/optional
    lexicon_hash: str = ""
    # (URI, language, casefolded label): labels the concept keeps as names but that are not matched in text, and
    # (URI, language, base form): one-word patterns derived from labels that are dropped (``taxonomy.label_audit``).
    unmatched: set[tuple[str, str, str]] = field(default_factory=set)
    unmatched_patterns: set[tuple[str, str, str]] = field(default_factory=set)
    # (uri, lang, casefolded label) matched where a text says it, but no label vector (``taxonomy.lexicon.SAID``).
    said_only: set[tuple[str, str, str]] = field(default_factory=set)

    def get(self, uri: str) -> Concept | None:
        return self.concepts.get(uri)

    def of_kind(self, kind: Kind) -> Iterator[Concept]:
        return (c for c in self.concepts.values() if c.kind == kind)

    def languages(self) -> list[str]:
        return sorted({lang for c in self.concepts.values() for lang in (*c.labels, *c.alt_labels)})

    def label_entries(self, kind: Kind) -> list[LabelEntry]:
        """Every label of every concept of ``kind`` that is matched in text (not ``unmatched``), in a stable order
        (concepts by URI, preferred first)."""
        entries: list[LabelEntry] = []
        for uri in sorted(u for u, c in self.concepts.items() if c.kind == kind):
            concept = self.concepts[uri]
            for lang in sorted(set(concept.labels) | set(concept.alt_labels)):
                if lang in concept.labels:
                    entries.append(LabelEntry(concept.labels[lang], lang, uri, True))
                entries.extend(LabelEntry(alt, lang, uri, False) for alt in concept.alt_labels.get(lang, []))
        if self.unmatched:
            entries = [e for e in entries if self.is_matched(e.uri, e.lang, e.text)]
        return entries

    def unmatch(self, uri: str, lang: str, text: str) -> None:
        """Keep the label ``text`` as a name of the concept, but do not match it in text."""
        self.unmatched.add((uri, lang, text.casefold()))

    def is_matched(self, uri: str, lang: str, text: str) -> bool:
        """Whether a label of the concept is matched in text (not ``unmatch``-ed)."""
        return (uri, lang, text.casefold()) not in self.unmatched

    def is_said_only(self, uri: str, lang: str, text: str) -> bool:
        """Whether a label is matched only where a text says it, and is no label vector (``said_only``)."""
        return (uri, lang, text.casefold()) in self.said_only

    def matched_labels(self, uri: str, lang: str) -> list[str]:
        """A concept's labels in ``lang`` that are matched in text, preferred first; all its labels in ``lang``
        where none is."""
        concept = self.concepts.get(uri)
        if concept is None:
            return []
        labels = concept.labels_in(lang)
        return [text for text in labels if self.is_matched(uri, lang, text)] or labels

    def related_skills(self, occupation_uri: str) -> dict[str, list[str]]:
        return self.relations.get(occupation_uri, {"essential": [], "optional": []})

    def counts(self) -> dict[str, int]:
        return {"skills": sum(1 for _ in self.of_kind("skill")),
                "occupations": sum(1 for _ in self.of_kind("occupation")),
                "relations": sum(len(v.get("essential", [])) + len(v.get("optional", []))
                                 for v in self.relations.values()),
                "languages": len(self.languages())}
