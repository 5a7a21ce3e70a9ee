"""The ISCO-08 unit group (four digits) of an ESCO occupation: what "the same field" means for mentors and outcomes.

An official ESCO CSV import carries each occupation's ISCO group (``Concept.isco``); it is used as it is. The
default taxonomy (registry packages) has the ISCO groups and their labels but not which occupation belongs to
which, so there the unit group is derived: the unit group whose English label is nearest (cosine of the same
embedding model) to the occupation's English preferred label. Derived groups are a close guess, not ESCO's own
mapping (``derived`` says which it is)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np

from extractor.label_index import build_entry_index
from index.cards import ConceptVectors
from models.encoders import Encoder
from taxonomy.model import LabelEntry, Taxonomy

_UNIT_GROUP = re.compile(r"/isco/C(\d{4})$")
_CODE = re.compile(r"(\d{4})")


class IscoGroups:
    def __init__(self, taxonomy: Taxonomy, concepts: ConceptVectors, encoder: Encoder,
                 cache_dir: Path | None = None) -> None:
        self.taxonomy = taxonomy
        self.concepts = concepts
        self.encoder = encoder
        self.cache_dir = cache_dir  # where the group labels' vectors are cached (None: embedded each time)
        self.labels = {match.group(1): label for uri, label in taxonomy.groups.items()
                       if (match := _UNIT_GROUP.search(uri))}
        self._codes: list[str] = []
        self._vectors: np.ndarray | None = None
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()

    @property
    def derived(self) -> bool:
        """True where the taxonomy does not say which unit group an occupation is in."""
        return not any(c.isco for c in self.taxonomy.of_kind("occupation"))

    def _group_vectors(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                self._codes = sorted(self.labels)
                if self.cache_dir is None:
                    self._vectors = self.encoder.encode([self.labels[c] for c in self._codes])
                else:
                    entries = [LabelEntry(self.labels[c], "en", c, True) for c in self._codes]
                    index = build_entry_index(entries, "isco-unit-groups", self.encoder, self.cache_dir).index
                    self._vectors = index.reconstruct_n(0, index.ntotal)
            return self._vectors

    def unit_group(self, uri: str) -> str | None:
        """The four-digit ISCO-08 unit group of an occupation URI (None for an unknown URI or no groups)."""
        if uri in self._cache:
            return self._cache[uri]
        concept = self.taxonomy.get(uri)
        code: str | None = None
        if concept is not None and concept.kind == "occupation":
            if concept.isco and (match := _CODE.search(concept.isco)):
                code = match.group(1)
            elif self.labels:
                vectors = self._group_vectors()
                code = self._codes[int(np.argmax(vectors @ self.concepts.get([uri])[0]))]
        self._cache[uri] = code
        return code

    def label(self, code: str | None) -> str | None:
        return self.labels.get(code or "")
