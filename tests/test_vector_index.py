"""The FAISS item index on its own: upsert/delete by id, filters, exact -> IVF switch with measured recall, and
atomic persistence. Vectors are clustered like real documents (many ads per occupation), not uniform noise."""

from __future__ import annotations

import numpy as np

from index.vector_index import VectorIndex, exact_top_k, recall_at_k


def clustered(n: int, dim: int = 64, clusters: int = 50, seed: int = 0) -> np.ndarray:
    """Items around 50 fixed centres (the fields of work); ``seed`` draws new items around the same centres."""
    centres = np.random.default_rng(0).normal(size=(clusters, dim))
    rng = np.random.default_rng(seed + 1000)
    vectors = centres[rng.integers(clusters, size=n)] + rng.normal(scale=0.35, size=(n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_upsert_remove_and_filtered_search():
    vectors = clustered(300)
    index = VectorIndex(64)
    ids = list(range(1000, 1300))
    index.upsert(ids, vectors, [1] * 300)
    assert index.kind == "flat" and len(index) == 300
    assert index.search(vectors[:1], 1)[0][0][0] == 1000
    index.remove([1000])
    assert all(i != 1000 for i, _ in index.search(vectors[:1], 10)[0])
    index.upsert([1001], vectors[5:6], [2])  # update: same id, new vector, no duplicate
    assert index.versions[1001] == 2 and len(index) == 299
    assert index.search(vectors[5:6], 1)[0][0][0] in (1001, 1005)
    allowed = [1200, 1201, 1202]
    assert {i for i, _ in index.search(vectors[:1], 10, allowed=allowed)[0]} == set(allowed)
    assert index.search(vectors[:1], 10, allowed=[]) == [[]]


def test_switches_to_ivf_beyond_the_exact_limit_with_recall_at_10_of_098(tmp_path):
    vectors = clustered(6000)
    ids = np.arange(6000) + 1
    index = VectorIndex(64, exact_limit=2000)
    index.exact_vectors = lambda found: (found, vectors[np.array(found, dtype=np.int64) - 1])  # the store's part
    index.upsert(ids[:2000].tolist(), vectors[:2000])
    assert index.kind == "flat"
    index.upsert(ids[2000:].tolist(), vectors[2000:])
    assert index.kind == "ivf" and len(index) == 6000
    queries = clustered(200, seed=1)
    truth = exact_top_k(vectors, ids, queries, 10)
    found = np.array([[i for i, _ in row] for row in index.search(queries, 10)])
    assert recall_at_k(found, truth) >= 0.98
    # Deletion works on the IVF form too, and a save/load round trip keeps ids, versions and results.
    index.remove([int(truth[0][0])])
    assert int(truth[0][0]) not in {i for i, _ in index.search(queries[:1], 10)[0]}
    path = tmp_path / "ads.npz"
    index.generation = 7
    index.save(path)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    loaded = VectorIndex.load(path, 64, exact_limit=2000)
    loaded.exact_vectors = index.exact_vectors
    assert loaded.kind == "ivf" and loaded.generation == 7 and loaded.versions == index.versions
    assert loaded.search(queries[:3], 10) == index.search(queries[:3], 10)


def test_a_damaged_or_foreign_index_file_loads_empty(tmp_path):
    path = tmp_path / "ads.npz"
    path.write_bytes(b"garbage")
    assert len(VectorIndex.load(path, 64)) == 0 and VectorIndex.load(path, 64).generation == -1
    index = VectorIndex(32)
    index.upsert([1], clustered(1, dim=32))
    index.save(path)
    assert len(VectorIndex.load(path, 64)) == 0  # another model's dimension: rebuilt from the store


def test_filter_columns_select_by_kind_and_municipality():
    from index.filter_columns import FilterColumns
    from index.search_types import SearchFilter

    columns = FilterColumns()
    columns.set([(1, "job", "örebro"), (2, "traineeship", "örebro"), (3, "job", "umeå"), (4, "job", "lund")])
    assert sorted(columns.allowed(SearchFilter(municipality=" Örebro "))) == [1, 2]
    assert sorted(columns.allowed(SearchFilter(kind="job", municipalities=("Umeå", "Lund", "Kiruna")))) == [3, 4]
    columns.set([(3, "traineeship", "umeå")])  # an update overwrites, never duplicates
    columns.remove([4])
    assert len(columns) == 3 and list(columns.allowed(SearchFilter(kind="job"))) == [1]
    assert sorted(columns.allowed(SearchFilter(kind="job"), has_kind=False)) == [1, 2, 3]  # CVs have no kind
    assert len(columns.allowed(SearchFilter(municipality="Kiruna"))) == 0


def test_a_filter_of_many_ids_selects_exactly_those_on_both_forms():
    vectors = clustered(6000)
    ids = np.arange(6000) + 1
    allowed = ids[ids % 3 == 0]  # 2,000 ids: the bitmap selector
    for exact_limit in (10_000, 2000):  # flat, then IVF
        index = VectorIndex(64, exact_limit=exact_limit)
        index.exact_vectors = lambda found: (found, vectors[np.array(found, dtype=np.int64) - 1])
        index.upsert(ids.tolist(), vectors)
        found = index.search(vectors[:5], 10, allowed=allowed)
        assert all(len(row) == 10 and all(i % 3 == 0 for i, _ in row) for row in found)
        truth = exact_top_k(vectors[allowed - 1], allowed, vectors[:5], 10)
        assert recall_at_k(np.array([[i for i, _ in row] for row in found]), truth) >= 0.98
