"""The lexical channel of hybrid matching: BM25 (the library ``bm25s``) over the masked texts of a collection.

Words are lower-cased and stemmed by the document's language (Snowball stemmers from ``PyStemmer``: Swedish for
Swedish text, English otherwise), so "svetsare", "svetsning" and "svetsade" meet and "drawings" meets "drawing".
Only masked text is indexed: a CV's name and contact details are ``[…]`` before anything reads it.

The index lives in memory and follows the store: it is rebuilt from the stored profiles whenever the collection's
generation has moved since it was built (the store is the truth, as for the FAISS indexes)."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import bm25s
import numpy as np
import Stemmer

from index.search_types import SearchFilter
from store.database import Store
from store.records import Collection

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]{2,}", re.UNICODE)
_STEMMERS = {"sv": "swedish", "en": "english"}


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS.get(language, "english"))


def tokens(text: str, language: str) -> list[str]:
    """Lower-cased, stemmed word tokens (letters and digits, two or more)."""
    return _stemmer(language).stemWords(_WORD.findall(text.lower()))


class LexicalIndex:
    """BM25 over a fixed set of (id, language, text); ``search`` returns (id, score) best first."""

    def __init__(self, documents: dict[int, tuple[str, str]]) -> None:
        self.ids = np.array(sorted(documents), dtype=np.int64)
        self.bm25: bm25s.BM25 | None = None
        corpus = [tokens(documents[i][1], documents[i][0]) for i in self.ids.tolist()]
        if any(corpus):
            self.bm25 = bm25s.BM25()
            self.bm25.index([doc or [""] for doc in corpus], show_progress=False)

    def search(self, text: str, language: str, k: int,
               allowed: list[int] | None = None) -> list[tuple[int, float]]:
        if self.bm25 is None or k <= 0:
            return []
        query = [t for t in dict.fromkeys(tokens(text, language)) if t in self.bm25.vocab_dict]
        if not query:
            return []
        scores = np.asarray(self.bm25.get_scores(query), dtype=np.float32)
        mask = scores > 0
        if allowed is not None:
            mask &= np.isin(self.ids, np.asarray(allowed, dtype=np.int64))
        candidates = np.flatnonzero(mask)
        best = candidates[np.argsort(-scores[candidates], kind="stable")[:k]]
        return [(int(self.ids[i]), float(scores[i])) for i in best]


class LexicalCollection:
    """A collection's BM25 index, rebuilt from the store when the collection changed."""

    def __init__(self, store: Store, collection: Collection) -> None:
        self.store, self.collection = store, collection
        self._index: LexicalIndex | None = None
        self._generation = -1
        self._lock = threading.Lock()

    def index(self) -> LexicalIndex:
        generation = self.store.generation(self.collection)
        with self._lock:
            if self._index is None or generation != self._generation:
                self._index = LexicalIndex(self.store.texts(self.collection))
                self._generation = generation
                log.info("%s lexical index: %d documents", self.collection, len(self._index.ids))
            return self._index

    def search(self, text: str, language: str, k: int,
               where: SearchFilter | None = None) -> list[tuple[int, float]]:
        allowed = (self.store.filtered_ids(self.collection, where.kind, where.municipality, where.municipalities)
                   if where else None)
        return self.index().search(text, language, k, allowed)
