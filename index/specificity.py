"""How specific a concept is in the collection: inverse document frequency over the stored ads and CVs.

A concept that most documents name (a language, "teamwork", a generic word linked to ESCO) tells documents
apart hardly at all; one that few name (MIG welding, a construction occupation) tells a lot. The weight is

    specificity(uri) = log(1 + N / df) / log(1 + N)        (1 for a concept in one document, small for one in all)

with N the number of ads and CVs and df the number that name the concept (skills and occupations on their
cards). It weights the concepts of a card vector (index.cards) and the requirements counted by coverage
(index.rerank). Recomputed when the number of documents moved by 2% (at least one document) since the
last count, or after ten minutes: reading every card at each single upload would cost O(N) per document."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from typing import Callable

from store.database import Store

Weigh = Callable[[str], float]


def card_concepts(card: dict) -> set[str]:
    return set(card.get("essential", [])) | set(card.get("optional", [])) | set(card.get("occupations", []))


class Specificity:
    def __init__(self, counts: Counter[str], documents: int) -> None:
        self.counts, self.documents = counts, documents
        self._scale = math.log1p(documents) if documents > 1 else 0.0

    @classmethod
    def of_cards(cls, cards: list[dict]) -> "Specificity":
        counts: Counter[str] = Counter()
        for card in cards:
            counts.update(card_concepts(card))
        return cls(counts, len(cards))

    def __call__(self, uri: str) -> float:
        if not self._scale:
            return 1.0
        df = max(1, self.counts.get(uri, 0))
        return math.log1p(self.documents / df) / self._scale


class CollectionSpecificity:
    """The specificity of the store's ads and CVs together, kept roughly current (see the module notes)."""

    MAX_AGE_S = 600.0

    def __init__(self, store: Store) -> None:
        self.store = store
        self._value: Specificity | None = None
        self._at = 0.0
        self._lock = threading.Lock()

    def _stale(self, documents: int) -> bool:
        if self._value is None or time.monotonic() - self._at > self.MAX_AGE_S:
            return True
        return abs(documents - self._value.documents) >= max(1.0, 0.02 * self._value.documents)

    def current(self) -> Specificity:
        documents = self.store.count("ads") + self.store.count("cvs")
        with self._lock:
            if self._stale(documents):
                self._value = Specificity.of_cards(self.store.all_cards("ads") + self.store.all_cards("cvs"))
                self._at = time.monotonic()
            assert self._value is not None
            return self._value
