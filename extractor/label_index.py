"""Embeddings of every taxonomy label, searchable with FAISS, cached on disk per model and taxonomy.

Search returns concepts, not labels: a concept's score is the best score of any of its labels.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from core.atomic_files import atomic_write, write_bytes_atomic
from models.encoders import Encoder, model_slug
from taxonomy.model import Kind, LabelEntry, Taxonomy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConceptHit:
    uri: str
    score: float
    label: str  # the label that scored best


def entries_digest(entries: list[LabelEntry]) -> str:
    """Fingerprint of exactly the labels a cache was built from: any relabelling invalidates the cache."""
    digest = hashlib.sha1()
    for e in entries:
        digest.update(f"{e.uri}\t{e.lang}\t{e.text}\t{int(e.preferred)}\n".encode())
    return digest.hexdigest()[:16]


def cache_key(model_name: str, name: str, entries: list[LabelEntry]) -> str:
    return f"vectors-{name}-{model_slug(model_name)}-{entries_digest(entries)}"


class LabelIndex:
    def __init__(self, entries: list[LabelEntry], vectors: np.ndarray) -> None:
        if len(entries) != len(vectors):
            raise ValueError("entries and vectors differ in length")
        self.entries = entries
        self.uris = np.array([e.uri for e in entries])
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.languages = frozenset(e.lang for e in entries)
        self._unrelated: dict[tuple[int, int], float] = {}
        self._selectors: dict[tuple[str, ...], faiss.SearchParameters | None] = {}
        self._rows: dict[tuple[str, ...] | None, dict[str, np.ndarray]] = {}

    def languages_for(self, english: bool, descriptions: bool) -> tuple[str, ...] | None:
        """The entries a text is compared with: English text with English labels only (other languages add only
        noise to it), any other text with the labels of every language this index holds (those embedded:
        ``extractor.resources.EMBED_LANGUAGES``); description entries ("label. description") only when
        ``descriptions``. None: every entry."""
        wanted = {"en"} if english else self.languages - {DESCRIPTION}
        if descriptions:
            wanted |= self.languages & {DESCRIPTION}
        return None if wanted >= self.languages else tuple(sorted(wanted))

    def _rows_for(self, languages: tuple[str, ...] | None) -> dict[str, np.ndarray]:
        """Concept -> rows of its entries in ``languages`` (None: every entry)."""
        key = None if languages is None else tuple(sorted(languages))  # as the search selectors are keyed
        if key not in self._rows:
            by_uri: dict[str, list[int]] = {}
            for i, entry in enumerate(self.entries):
                if key is None or entry.lang in key:
                    by_uri.setdefault(entry.uri, []).append(i)
            self._rows[key] = {uri: np.array(rows, dtype=np.int64) for uri, rows in by_uri.items()}
        return self._rows[key]

    def _stored(self) -> np.ndarray:
        """A view of the index's own vectors, not a copy."""
        return faiss.rev_swig_ptr(self.index.get_xb(), self.index.ntotal * self.index.d).reshape(
            self.index.ntotal, self.index.d)

    def similarity(self, query: np.ndarray, uris: list[str],
                   languages: tuple[str, ...] | None = None) -> np.ndarray:
        """For one query vector: each concept's best score over its labels (in ``languages``); 0 for a concept
        without such labels. Exact, for concepts that a search did not return."""
        return self.similarities(query[None, :], uris, languages)[0]

    def concept_vectors(self, uris: list[str], languages: tuple[str, ...] | None = None) -> np.ndarray:
        """One unit vector per concept: the normalised mean of its entries (in ``languages``); zeros for a
        concept without such entries."""
        table, stored = self._rows_for(languages), self._stored()
        result = np.zeros((len(uris), self.index.d), dtype=np.float32)
        for i, uri in enumerate(uris):
            if uri in table:
                mean = stored[table[uri]].mean(axis=0)
                result[i] = mean / (np.linalg.norm(mean) or 1.0)
        return result

    def unrelated_level(self, samples: int = 4000, seed: int = 0) -> float:
        """The mean cosine of two random entries: what 'unrelated' scores in this model's space (about 0.1 for
        all-MiniLM, about 0.8 for e5, whose similarities are compressed)."""
        if self.index.ntotal < 2:
            return 0.0
        if (samples, seed) not in self._unrelated:  # computed once per index
            rng = np.random.default_rng(seed)
            a, b = rng.integers(0, self.index.ntotal, (2, samples))
            stored = self._stored()
            self._unrelated[samples, seed] = float(np.mean(np.sum(stored[a] * stored[b], axis=1)))
        return self._unrelated[samples, seed]

    def similarities(self, queries: np.ndarray, uris: list[str],
                     languages: tuple[str, ...] | None = None) -> np.ndarray:
        """Queries x concepts: each concept's best score over its entries (in ``languages``); 0 for a concept
        without such entries. One matrix product for all queries."""
        result = np.zeros((len(queries), len(uris)), dtype=np.float32)
        table = self._rows_for(languages)
        groups = [(column, table[uri]) for column, uri in enumerate(uris) if uri in table]
        if not len(queries) or not groups:
            return result
        rows = np.concatenate([found for _, found in groups])
        scores = np.asarray(queries, dtype=np.float32) @ self._stored()[rows].T
        bounds = np.cumsum([0] + [len(found) for _, found in groups[:-1]])
        result[:, [column for column, _ in groups]] = np.maximum.reduceat(scores, bounds, axis=1)
        return result

    def _params(self, languages: tuple[str, ...] | None) -> faiss.SearchParameters | None:
        """Search parameters that keep only labels in ``languages`` (None: every label)."""
        if languages is None:
            return None
        key = tuple(sorted(languages))
        if key not in self._selectors:
            rows = np.array([i for i, e in enumerate(self.entries) if e.lang in key], dtype=np.int64)
            if len(rows) == len(self.entries):
                self._selectors[key] = None
            else:
                params = faiss.SearchParameters()
                params.sel = faiss.IDSelectorBatch(rows)
                params.rows = rows  # keep the ids alive as long as the selector
                self._selectors[key] = params
        return self._selectors[key]

    def search(self, queries: np.ndarray, k: int = 10, depth: int | None = None,
               languages: tuple[str, ...] | None = None) -> list[list[ConceptHit]]:
        """Top ``k`` concepts per query vector (labels searched to ``depth``, deduplicated by concept); with
        ``languages``, only labels in those languages count (English text against English labels)."""
        if len(queries) == 0:
            return []
        depth = min(depth or k * 8, len(self.entries))
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), depth,
                                        params=self._params(languages))
        results = []
        for row_scores, row_ids in zip(scores, ids):
            hits: dict[str, ConceptHit] = {}
            for score, idx in zip(row_scores, row_ids):
                if idx < 0:
                    continue
                uri = self.entries[idx].uri
                if uri not in hits:
                    hits[uri] = ConceptHit(uri, float(score), self.entries[idx].text)
                    if len(hits) == k:
                        break
            results.append(list(hits.values()))
        return results


def _previous_vectors(cache_dir: Path, prefix: str) -> dict[str, np.ndarray]:
    """Text -> vector from an older cache of the same kind and model (before a lexicon or taxonomy edit)."""
    known: dict[str, np.ndarray] = {}
    for texts_path in sorted(cache_dir.glob(f"{prefix}*.texts.json.gz"), key=lambda p: p.stat().st_mtime):
        vectors_path = texts_path.with_name(texts_path.name.removesuffix(".texts.json.gz") + ".npy")
        try:
            texts = json.loads(gzip.decompress(texts_path.read_bytes()))
            vectors = np.load(vectors_path)
        except (OSError, ValueError) as exc:
            log.warning("ignoring label vector cache %s (%s)", vectors_path.name, exc)
            continue
        if len(texts) == len(vectors):
            known.update(zip(texts, vectors))
    return known


# The 'language' of description entries: a search with ``languages`` sees them only if it names them; a search
# without ``languages`` sees every entry, descriptions included.
DESCRIPTION = "desc"


def description_entries(taxonomy: Taxonomy, kind: Kind, max_chars: int = 300) -> list[LabelEntry]:
    """One entry per concept with a description: 'label. description' (cut at a sentence end), for ranking
    titles against what an occupation is, not only what it is called."""
    entries = []
    for concept in taxonomy.of_kind(kind):
        if concept.description:
            text = concept.description[:max_chars]
            text = text[:text.rfind(".") + 1] or text
            entries.append(LabelEntry(f"{concept.label('en')}. {text}", DESCRIPTION, concept.uri, False))
    return entries


def build_label_index(taxonomy: Taxonomy, kind: Kind, encoder: Encoder, cache_dir: Path,
                      languages: tuple[str, ...] = ("en", "sv"), progress: bool = False,
                      descriptions: bool = False, preferred_languages: tuple[str, ...] = (),
                      name: str | None = None) -> LabelIndex:
    """Load the cached label vectors, or embed the labels and cache them (float16 on disk). After an edit of
    the lexicon or taxonomy only labels not seen before are embedded: older caches are read by label text.
    Every label in ``languages``, and the preferred labels in ``preferred_languages`` (a Swedish reader's
    English fallback for concepts without a Swedish label), less those matched only where said
    (``Taxonomy.said_only``). With ``descriptions``, description entries (language ``desc``) are added.
    ``name``: the cache's name (default the kind); two indexes of one kind and model with other languages need
    names of their own, since building one removes the other kind's older caches."""
    entries = [e for e in taxonomy.label_entries(kind)
               if (e.lang in languages or (e.preferred and e.lang in preferred_languages))
               and not taxonomy.is_said_only(e.uri, e.lang, e.text)]
    if descriptions:
        entries += description_entries(taxonomy, kind)
    return _cached_index(entries, name or kind, encoder, cache_dir, progress,
                         {"taxonomy": taxonomy.version, "languages": list(languages),
                          "preferred_languages": list(preferred_languages)})


def build_description_index(taxonomy: Taxonomy, kind: Kind, encoder: Encoder, cache_dir: Path,
                            progress: bool = False) -> LabelIndex:
    """Only the description entries of ``kind``, in a cache of their own (``vectors-KIND-descriptions-…``)."""
    return _cached_index(description_entries(taxonomy, kind), f"{kind}-descriptions", encoder, cache_dir,
                         progress, {"taxonomy": taxonomy.version})


def build_entry_index(entries: list[LabelEntry], name: str, encoder: Encoder, cache_dir: Path) -> LabelIndex:
    """Any other labels (the ISCO unit groups' ...), embedded once and cached like the taxonomy's."""
    return _cached_index(entries, name, encoder, cache_dir, False, {})


def _cached_index(entries: list[LabelEntry], name: str, encoder: Encoder, cache_dir: Path, progress: bool,
                  meta_extra: dict) -> LabelIndex:
    key = cache_key(encoder.name, name, entries)
    vectors_path, meta_path = cache_dir / f"{key}.npy", cache_dir / f"{key}.json"
    texts_path = cache_dir / f"{key}.texts.json.gz"
    if vectors_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("count") == len(entries):
            return LabelIndex(entries, np.load(vectors_path).astype(np.float32))
        log.warning("label vector cache %s is stale; re-embedding", vectors_path.name)
    prefix = f"vectors-{name}-{model_slug(encoder.name)}-"
    known = _previous_vectors(cache_dir, prefix) if cache_dir.exists() else {}
    texts = [e.text for e in entries]
    new = sorted({t for t in texts if t not in known})
    log.info("embedding %d new of %d %s labels with %s (cached)", len(new), len(entries), name, encoder.name)
    if new:
        known.update(zip(new, encoder.encode(new, progress=progress).astype(np.float16)))
    vectors = np.stack([known[t] for t in texts]).astype(np.float32) if texts else \
        np.zeros((0, encoder.dim), dtype=np.float32)
    with atomic_write(vectors_path) as fh:
        np.save(fh, vectors.astype(np.float16))
    write_bytes_atomic(texts_path, gzip.compress(json.dumps(texts).encode()))
    meta = {"count": len(entries), "model": encoder.name, "kind": name, **meta_extra}
    write_bytes_atomic(meta_path, json.dumps(meta).encode())  # last: a cache counts as complete once it exists
    for stale in cache_dir.glob(f"{prefix}*"):  # older taxonomy or lexicon
        if not stale.name.startswith(key):
            stale.unlink(missing_ok=True)
    return LabelIndex(entries, vectors)
