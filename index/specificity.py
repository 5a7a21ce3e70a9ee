"""How specific a concept is in the collection: inverse document frequency over the stored ads and CVs.

A concept that most documents name (a language, "teamwork", a generic word linked to ESCO) tells documents
apart hardly at all; one that few name (MIG welding, a construction occupation) tells a lot. The weight is

    specificity(uri) = log(1 + N / df) / log(1 + N)        (1 for a concept in one document, small for one in all)

with N the number of ads and CVs and df the number that name the concept (skills and occupations on their
cards). It weights the concepts of a card vector (index.cards) and the requirements counted by coverage
(index.rerank). Recounted when the number of documents moved by 2% (at least one document) since the
last count, or after ten minutes: reading every card at each single upload would cost O(N) per document. The
cards are streamed (memory: the counts, not the cards). Beyond 20,000 documents only the first count is waited for:
later ones run in a background thread while searches use the last count (at 1M ads a count reads every card, tens
of seconds)."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from itertools import chain
from typing import Callable, Iterable

from store.database import Store

Weigh = Callable[[str], float]


def card_concepts(card: dict) -> set[str]:
    return set(card.get("essential", [])) | set(card.get("optional", [])) | set(card.get("occupations", []))


class Specificity:
    def __init__(self, counts: Counter[str], documents: int) -> None:
        self.counts, self.documents = counts, documents
        self._scale = math.log1p(documents) if documents > 1 else 0.0

    @classmethod
    def of_cards(cls, cards: Iterable[dict]) -> "Specificity":
        counts: Counter[str] = Counter()
        documents = 0
        for documents, card in enumerate(cards, 1):
            counts.update(card_concepts(card))
        return cls(counts, documents)

    def __call__(self, uri: str) -> float:
        if not self._scale:
            return 1.0
        df = max(1, self.counts.get(uri, 0))
        return math.log1p(self.documents / df) / self._scale


class CollectionSpecificity:
    """The specificity of the store's ads and CVs together, kept roughly current (see the module notes)."""

    MAX_AGE_S = 600.0
    SYNC_LIMIT = 20_000  # up to this many documents a recount is waited for (well under a second)
    CHECK_S = 5.0        # beyond, how often the number of documents is looked up

    def __init__(self, store: Store) -> None:
        self.store = store
        self._value: Specificity | None = None
        self._at = 0.0
        self._lock = threading.Lock()
        self._refreshing: threading.Thread | None = None
        self._checked = 0.0

    def _stale(self, documents: int) -> bool:
        if self._value is None or time.monotonic() - self._at > self.MAX_AGE_S:
            return True
        return abs(documents - self._value.documents) >= max(1.0, 0.02 * self._value.documents)

    def _count(self) -> None:
        value = Specificity.of_cards(chain(self.store.iter_cards("ads"), self.store.iter_cards("cvs")))
        with self._lock:
            self._value, self._at = value, time.monotonic()

    def current(self) -> Specificity:
        with self._lock:
            value = self._value
            if (value is not None and value.documents > self.SYNC_LIMIT
                    and time.monotonic() - self._checked < self.CHECK_S):
                return value  # a big collection: its size is looked up at most every CHECK_S
            self._checked = time.monotonic()
        documents = self.store.count("ads") + self.store.count("cvs")  # O(N) in PostgreSQL: 20 ms at 1M ads
        with self._lock:
            value, stale = self._value, self._stale(documents)
            refreshing = self._refreshing is not None and self._refreshing.is_alive()
            background = value is not None and documents > self.SYNC_LIMIT
            if stale and background and not refreshing:
                self._refreshing = threading.Thread(target=self._count, name="specificity", daemon=True)
                self._refreshing.start()
        if stale and not background:  # the first count, or a small collection (a fraction of a second): now
            self._count()
            with self._lock:
                value = self._value
        assert value is not None
        return value

    def wait(self) -> None:
        """Until a background recount (if any) is done (tests, benchmarks)."""
        thread = self._refreshing
        if thread is not None:
            thread.join()
