"""One search interface over the ad and CV vectors, two back-ends that implement it:

- ``faiss`` (``index/collections.py``): an index held in each process, saved next to the store and kept in step
  with it; the default with SQLite.
- ``pgvector`` (``index/pgvector_collection.py``): an HNSW index inside PostgreSQL, shared by every API replica
  and import worker on that database; the default when ``MATCHA_DATABASE_URL`` is PostgreSQL.

Both apply the filters (kind, municipality, region) inside the search, and both re-score the candidates they
find by the exact float32 vectors of the store (the FAISS IVF index keeps 8-bit codes, pgvector half floats), so
scores are the same cosine on either."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from index.collections import IndexedCollection
from index.pgvector_collection import PgVectorCollection
from index.search_types import VectorSearch
from store.database import Store
from store.records import VectorCollection


def backend_name(settings: Settings) -> str:
    if settings.vector_backend != "auto":
        return settings.vector_backend
    return "pgvector" if settings.store_url.startswith(("postgresql", "pgserver")) else "faiss"


def open_collection(settings: Settings, store: Store, collection: VectorCollection, dim: int,
                    model_slug: str) -> VectorSearch:
    """The index of one collection on the configured back-end."""
    if backend_name(settings) == "pgvector":
        return PgVectorCollection(store, collection, dim, ef_search=settings.pgvector_ef_search)
    path: Path = settings.index_dir / f"{collection}-{model_slug}.npz"
    return IndexedCollection(store, collection, path, dim, settings.index_exact_limit, settings.index_target_recall)
