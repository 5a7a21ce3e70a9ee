"""Word grounding: whether every word of a concept's label finds a close word in the line it was found in.

A link by similarity can land on a concept near the line as a whole but with a word the line does not bear out:
"cleaning cages and the ward" is near *clean fish cage*, "Taxi driver training" near *teach train driving
principles*. For each of the concept's labels (preferred and alternative, English), every content word is compared
with the line's content words in the reading model's space; the label's *least* supported word ("fish", "teach")
and its mean support say how well the label is grounded, and the concept takes the best of its labels. No word
list beyond spaCy's English stop words: the measure carries to words nobody listed.

English text only: the reading model for English (all-MiniLM) embeds single words well; e5's compressed space for
other languages does not separate them, so other texts get no grounding figures (``None``).
"""

from __future__ import annotations

import re
import threading
from typing import Callable

import numpy as np

from models.encoders import Encoder

_WORD = re.compile(r"[A-Za-z][A-Za-z+#-]+")
# Word vectors kept between documents, per process (384 floats each: about 30 MB); past this the cache starts over.
MAX_CACHED_WORDS = 20_000


def content_words(text: str) -> list[str]:
    """Lower-cased words of two or more letters that are not English stop words, in order, each once."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return list(dict.fromkeys(w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in STOP_WORDS))


class WordGrounding:
    """Grounding of concepts in lines; word vectors are embedded on first need and kept (per model)."""

    def __init__(self, labels_of: Callable[[str], list[str]]) -> None:
        """``labels_of``: a concept's English labels (preferred first)."""
        self.labels_of = labels_of
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def _vectors_of(self, words: set[str], encoder: Encoder) -> dict[str, np.ndarray]:
        """Each word's vector, embedded (in one batch) where not kept yet."""
        with self._lock:
            found = {w: self._vectors[encoder.name, w] for w in words if (encoder.name, w) in self._vectors}
        missing = sorted(words - found.keys())
        if missing:
            vectors = encoder.encode(missing)
            found.update(zip(missing, vectors))
            with self._lock:
                if len(self._vectors) + len(missing) > MAX_CACHED_WORDS:
                    self._vectors.clear()
                self._vectors.update({(encoder.name, w): v for w, v in zip(missing, vectors)})
        return found

    def scores(self, pairs: list[tuple[str, str]], encoder: Encoder) -> list[tuple[float, float]]:
        """For each (line, concept uri): the best over the concept's labels of the least, and of the mean, support
        of the label's words, each word's support being its best cosine with a word of the line; (0, 0) for a line
        or concept without content words."""
        lines = {line: content_words(line) for line, _ in pairs}
        labels = {uri: [words for words in map(content_words, self.labels_of(uri)) if words]
                  for uri in {uri for _, uri in pairs}}  # once per concept, however many of its lines
        vector = self._vectors_of({w for words in lines.values() for w in words}
                                  | {w for found in labels.values() for words in found for w in words}, encoder)
        result = []
        for line, uri in pairs:
            if not lines[line] or not labels[uri]:
                result.append((0.0, 0.0))
                continue
            in_line = np.stack([vector[w] for w in lines[line]])
            least, mean = -1.0, -1.0
            for words in labels[uri]:
                support = [float(np.max(in_line @ vector[w])) for w in words]
                least, mean = max(least, min(support)), max(mean, float(np.mean(support)))
            result.append((least, mean))
        return result
