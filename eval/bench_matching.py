"""Matching benchmark: `matcha bench` (or `python -m eval.bench_matching`).

Builds stores and indexes of synthetic ads made from the taxonomy (each ad: an ESCO occupation, essential and
nice-to-have skills drawn from the skills nearest that occupation, a municipality, a kind, sometimes a language
level and a driving licence), in a scratch folder, through the same code as real ads from the card on (card ->
vector -> store -> index). Prints, per size: build time, bytes per ad (index and store), match latency p50/p99 for
top-10 for stored CVs (retrieval + re-ranking + explanations; the CVs are extracted, embedded and stored before
timing, as participants' CVs are; each ad's whole-text vector is a stand-in, see ``SyntheticAds``), the same
with a municipality filter and with a kind + region filter, recall@10 of the index against exact search (unfiltered and
filtered), the bench's peak memory and that of a fresh service process holding the index. ``backend``: ``faiss``
(SQLite store) or ``pgvector`` (a local PostgreSQL with pgvector, ``store/pgserver.py``)."""

from __future__ import annotations

import gc
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from extractor.profile import CompetenceProfile, ConceptMatch, Evidence, LanguageSkill, Licence
from index.cards import ad_card, card_vector, cv_card
from index.vector_index import exact_top_k, recall_at_k
from store.database import encode_vector

log = logging.getLogger(__name__)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
MUNICIPALITIES = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Örebro", "Västerås", "Linköping", "Helsingborg",
                  "Norrköping", "Jönköping", "Umeå", "Lund", "Borås", "Gävle", "Eskilstuna", "Södertälje",
                  "Karlstad", "Växjö", "Halmstad", "Sundsvall", "Luleå", "Trollhättan", "Östersund", "Borlänge",
                  "Falun", "Kalmar", "Skövde", "Kristianstad", "Karlskrona", "Botkyrka"]


class SyntheticAds:
    """Ads generated from the taxonomy: occupations and the skills whose labels lie nearest them."""

    def __init__(self, service, seed: int = 7, neighbours: int = 40) -> None:  # noqa: ANN001
        self.rng = np.random.default_rng(seed)
        self.taxonomy = service.resources.taxonomy
        self.concepts = service.concepts
        skills = [c.uri for c in self.taxonomy.of_kind("skill")]
        occupations = [c.uri for c in self.taxonomy.of_kind("occupation")]
        skill_vectors = self.concepts.get(skills)
        index = faiss.IndexFlatIP(skill_vectors.shape[1])
        index.add(skill_vectors)
        _, nearest = index.search(self.concepts.get(occupations), neighbours)
        self.occupations = occupations
        self.skills_of = {o: [skills[i] for i in row] for o, row in zip(occupations, nearest)}
        # A stand-in for each ad's whole-text vector (embedding a million texts with the text model would take
        # days of CPU here): its concept vector mapped by a fixed random projection into the text model's space,
        # plus noise, so the text index holds vectors as clustered as the ads, of the real size.
        text_dim = service.reader.text_encoder.dim
        self.text_projection = np.random.default_rng(seed + 1).normal(size=(self.concepts.dim, text_dim))
        self.text_projection /= np.sqrt(self.concepts.dim)

    def _label(self, uri: str) -> str:
        concept = self.taxonomy.concepts[uri]
        return concept.labels.get("sv") or concept.label("en")

    def profile(self, as_ad: bool) -> tuple[CompetenceProfile, str, str]:
        """(profile, title, municipality) of one synthetic ad (``as_ad``) or CV."""
        rng = self.rng
        occupation = self.occupations[rng.integers(len(self.occupations))]
        near = self.skills_of[occupation]
        title = self._label(occupation)
        text = f"{title}\n\nVi söker en {title.lower()} till vårt team.\n"
        skills, languages, licences = [], [], []

        def add_lines(heading: str, section: str, uris: list[str]) -> None:
            nonlocal text
            text += f"\n{heading}:\n"
            for uri in uris:
                label = self._label(uri)
                start = len(text) + 2
                text += f"- {label}\n"
                skills.append(ConceptMatch(uri=uri, label=self.taxonomy.concepts[uri].label("en"), confidence=0.9,
                                           evidence=[Evidence(start=start, end=start + len(label), text=label,
                                                              section=section)]))

        if as_ad:
            picks = rng.permutation(len(near))
            add_lines("Krav", "requirements", [near[i] for i in picks[:rng.integers(3, 7)]])
            add_lines("Meriterande", "merits", [near[i] for i in picks[10:10 + rng.integers(2, 5)]])
            if rng.random() < 0.5:
                level = ["B1", "B2"][rng.integers(2)]
                start = len(text) + 2
                text += f"- Svenska {level}\n"
                languages.append(LanguageSkill(language="sv", name="svenska", cefr=level, evidence=[
                    Evidence(start=start, end=start + 10, text=text[start:start + 10], section="merits")]))
            if rng.random() < 0.3:
                start = len(text)
                text += "B-körkort krävs.\n"
                licences.append(Licence(kind="driving_licence", code="B", label="driving licence B", evidence=[
                    Evidence(start=start, end=start + 9, text=text[start:start + 9], section="other")]))
        else:
            add_lines("Kompetenser", "skills", [near[i] for i in rng.choice(len(near), size=rng.integers(6, 14),
                                                                            replace=False)])
            languages.append(LanguageSkill(language="sv", name="svenska", cefr=["A2", "B1", "B2"][rng.integers(3)]))
        occupation_match = ConceptMatch(uri=occupation, label=self.taxonomy.concepts[occupation].label("en"),
                                        confidence=0.9, evidence=[Evidence(start=0, end=len(title), text=title)])
        profile = CompetenceProfile(language="sv", language_confidence=1.0, text=text, skills=skills,
                                    occupations=[occupation_match], languages=languages, licences=licences)
        return profile, title, MUNICIPALITIES[rng.integers(len(MUNICIPALITIES))]

    def ad_rows(self, n: int) -> list[dict]:
        rows = []
        for _ in range(n):
            profile, title, municipality = self.profile(as_ad=True)
            card = ad_card(profile)
            vector = card_vector(card, self.concepts)
            rows.append({"title": title, "employer": "Synthetic AB", "municipality": municipality,
                         "kind": "traineeship" if self.rng.random() < 0.2 else "job",
                         "profile": profile.model_dump_json(), "card": card.model_dump_json(),
                         "vector": encode_vector(vector), "text_vector": encode_vector(self.text_vector(vector))})
        return rows

    def text_vector(self, vector: np.ndarray) -> np.ndarray:
        mapped = vector @ self.text_projection + self.rng.normal(scale=0.25 / np.sqrt(len(vector)),
                                                                 size=self.text_projection.shape[1])
        return (mapped / np.linalg.norm(mapped)).astype(np.float32)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the parent across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _server_cpu(service) -> Callable[[], float]:  # noqa: ANN001
    """Seconds of CPU used so far by the PostgreSQL server's processes (0 for an in-process index)."""
    if service.store.engine.dialect.name != "postgresql":
        return lambda: 0.0
    import psutil
    from sqlalchemy import text

    from eval.cpu_time import cpu_seconds

    with service.store.engine.connect() as conn:
        postmaster = psutil.Process(int(conn.execute(text("SELECT pg_backend_pid()")).scalar())).parent()

    return lambda: cpu_seconds(postmaster.children())


def _timed(service, cvs: list, cpu: list[float] | None = None, **filters) -> list[float]:  # noqa: ANN001
    """Wall-clock ms per match; ``cpu`` gets the CPU ms per match, this process's and the database server's,
    which other work on the machine does not inflate as it does wall-clock time."""
    latencies, server = [], _server_cpu(service)
    cpu_started, server_started = time.process_time(), server()
    for n, cv in enumerate(cvs):
        chosen = {key: value(n) if callable(value) else value for key, value in filters.items()}
        t = time.perf_counter()
        service.match(cv=cv, k=10, **chosen)
        latencies.append((time.perf_counter() - t) * 1000)
    if cpu is not None:
        cpu.append((time.process_time() - cpu_started + server() - server_started) * 1000 / len(cvs))
    return latencies


def _figures(name: str, latencies: list[float]) -> dict:
    return {f"{name}p50_ms": round(statistics.median(latencies), 1),
            f"{name}p99_ms": round(_percentile(latencies, 99), 1)}


def _database(backend: str, scratch: Path, size: int, reuse: bool = False) -> str:
    """The store URL of one run: SQLite in the scratch folder, or a fresh (or the kept) database on a local
    pgvector server."""
    if backend == "faiss":
        return ""
    from sqlalchemy.engine import make_url

    from store.pgserver import fresh_database, start

    server = start(scratch / "pg")
    if reuse:
        return make_url(server).set(database=f"bench_{size}").render_as_string(hide_password=False)
    return fresh_database(server, f"bench_{size}")


def _store_bytes(service, settings, backend: str) -> int:  # noqa: ANN001
    if backend == "faiss":
        return sum(p.stat().st_size for p in settings.state_dir.glob("matcha.db*"))
    from sqlalchemy import text

    with service.store.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar())


def _service_memory(settings, backend: str, queries: int = 20) -> dict:  # noqa: ANN001
    """Peak RSS of a fresh service process (taxonomy, models and the index of every ad) answering matches."""
    env = {**os.environ, "MATCHA_DATA_DIR": str(settings.state_dir), "MATCHA_DATABASE_URL": settings.database_url,
           "MATCHA_VECTOR_BACKEND": backend}
    done = subprocess.run([sys.executable, "-m", "eval.bench_matching", "--probe", str(queries)], env=env,
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe_service(queries: int) -> dict:
    """In the child process of ``_service_memory``: start the service on the bench's store and match."""
    from matcha.matching import MatchingService

    started = time.perf_counter()
    service = MatchingService()
    loaded = time.perf_counter() - started
    cvs = service.get_cvs(sorted(service.store.versions("cvs"))[:queries])  # the bench's stored query CVs
    for n, cv in enumerate(cvs.values()):
        service.match(cv=cv, k=10, municipality=MUNICIPALITIES[n % len(MUNICIPALITIES)] if n % 2 else None)
    return {"service_start_s": round(loaded, 1), "service_peak_rss_mb": round(_peak_rss_mb())}


def _recall(service, name: str, cv_ids: list[int], where: list) -> tuple[float, float]:  # noqa: ANN001
    """Recall@10 of one index (``ads``: concept vectors, ``ads_text``: whole-text vectors) against exact search over
    the store's vectors, for the stored CVs' vectors of that kind, unfiltered and filtered."""
    collection = service.collections[name]
    dim = service.concepts.dim if name == "ads" else service.reader.text_encoder.dim
    ids, vectors, _ = service.store.vectors(name, sorted(service.store.versions(name)), dim)
    ids = np.array(ids, dtype=np.int64)
    query_vectors = service.store.vectors(name.replace("ads", "cvs"), cv_ids, dim)[1]  # type: ignore[arg-type]

    def found(rows: list[list[tuple[int, float]]]) -> np.ndarray:
        return np.array([[i for i, _ in row] + [-1] * (10 - len(row)) for row in rows])

    plain = recall_at_k(found([collection.search(q, 10) for q in query_vectors]),
                        exact_top_k(vectors, ids, query_vectors, 10))
    hits, total = 0.0, 0
    for q, f in zip(query_vectors, where):
        allowed = np.isin(ids, service.store.filtered_ids("ads", f.kind, f.municipality, f.municipalities))
        truth = exact_top_k(vectors[allowed], ids[allowed], q[None, :], 10)
        hits += recall_at_k(found([collection.search(q, 10, f)]), truth) * truth.size
        total += truth.size
    return plain, hits / max(1, total)


def bench_size(size: int, queries: int, resources, scratch: Path, backend: str = "faiss",  # noqa: ANN001
               reuse: bool = False) -> dict:
    from core.settings import get_settings
    from index.search_types import SearchFilter
    from matcha.document_reader import Extracted
    from matcha.matching import MatchingService

    settings = get_settings().model_copy(update={
        "data_dir": scratch / f"{backend}-{size}", "vector_backend": backend,
        "database_url": _database(backend, scratch, size, reuse)})
    service = MatchingService(settings, resources)
    synthetic = SyntheticAds(service)
    started = time.perf_counter()
    rows_done = service.store.count("ads") if reuse else 0  # --reuse: time the kept store again
    from tqdm import tqdm

    # The next batch is made while the last one is written (the database works in its own process).
    with tqdm(total=size, desc=f"synthetic ads ({size})", unit="ad") as bar, ThreadPoolExecutor(1) as writer:
        pending = None
        while rows_done < size:
            rows = synthetic.ad_rows(min(5000, size - rows_done))
            if pending is not None:
                pending.result()
            pending = writer.submit(service.store.add, "ads", rows)
            rows_done += len(rows)
            bar.update(len(rows))
        if pending is not None:
            pending.result()
    stored = time.perf_counter() - started
    service.collections["ads"].sync()
    concept_built = time.perf_counter() - started
    service.collections["ads_text"].sync()  # the whole-text vectors' index
    build = time.perf_counter() - started
    collection = service.collections["ads"]
    text_index_bytes = service.collections["ads_text"].size_bytes()
    index_bytes = collection.size_bytes() + text_index_bytes
    store_bytes = _store_bytes(service, settings, backend)
    if backend == "pgvector":
        store_bytes -= index_bytes  # the database holds both

    # Queries: the two example CVs and synthetic CVs.
    profiles = [service.cv_profile(data=p.read_bytes())[0] for p in sorted(EXAMPLES.glob("cv_*.txt"))]
    profiles += [synthetic.profile(as_ad=False)[0] for _ in range(max(0, queries - len(profiles)))]
    # Stored as participants' CVs are (vectors made once, not timed): a match reads them. Their whole-text vectors
    # are stand-ins made as the ads' are, so that queries and ads lie in one space.
    cv_ids = []
    for profile in profiles:
        card = cv_card(profile)
        vector = service.reader.vector(card, profile.text)
        cv_ids.append(service.store_cv(Extracted("cv", profile.model_dump_json(), card.model_dump_json(),
                                                 encode_vector(vector), {},
                                                 encode_vector(synthetic.text_vector(vector)))))
    cvs = [service.get_cv(i) for i in cv_ids]
    place = lambda n: MUNICIPALITIES[n % len(MUNICIPALITIES)]  # noqa: E731
    # Warm-up, as a running service is warm: a few plain matches, one per municipality, and the region filter
    # for the CVs its timing does not use (a database server just started reads the pages an iterative graph
    # scan visits from disk the first time: 50-260 ms a search cold, 6-10 ms warm, on pgvector at 1M).
    _timed(service, cvs[:5])
    _timed(service, cvs[:len(MUNICIPALITIES)], municipality=place)
    _timed(service, cvs[100:], kind="job", region="Stockholms län")
    cpu: list[float] = []
    latencies = _timed(service, cvs, cpu)
    by_place = _timed(service, cvs, cpu, municipality=place)
    by_region = _timed(service, cvs[:100], cpu, kind="job", region="Stockholms län")
    # The same searches again: the pages they read are in memory now (a long-running server's state).
    region_again = _timed(service, cvs[:100], kind="job", region="Stockholms län")
    places = [SearchFilter(municipality=place(n)) for n in range(len(cvs))]
    recall, filtered_recall = _recall(service, "ads", cv_ids, places)
    text_recall, text_filtered_recall = _recall(service, "ads_text", cv_ids, places)
    faiss_index = getattr(collection, "index", None)
    result = {"ads": size, "backend": backend, "reused": reuse, "index": getattr(faiss_index, "kind", "hnsw"),
              "nprobe": getattr(faiss_index, "nprobe", None),
              "text_nprobe": getattr(getattr(service.collections["ads_text"], "index", None), "nprobe", None),
              "build_s": round(build, 1), "store_s": round(stored, 1), "index_s": round(build - stored, 1),
              "text_index_s": round(build - concept_built, 1), "text_index_bytes": text_index_bytes,
              "bytes_per_ad": round((index_bytes + store_bytes) / size),
              "index_bytes": index_bytes, "index_bytes_per_ad": round(index_bytes / size),
              "store_bytes_per_ad": round(store_bytes / size), "queries": len(latencies),
              **_figures("", latencies), **_figures("filtered_", by_place), **_figures("region_kind_", by_region),
              **_figures("region_kind_again_", region_again),
              "recall@10": round(recall, 4), "filtered_recall@10": round(filtered_recall, 4),
              "text_recall@10": round(text_recall, 4), "text_filtered_recall@10": round(text_filtered_recall, 4),
              "cpu_ms_per_match": round(cpu[0], 1), "filtered_cpu_ms_per_match": round(cpu[1], 1),
              "region_kind_cpu_ms_per_match": round(cpu[2], 1),
              "search_strategies": dict(getattr(collection, "strategies", {})),  # pgvector: graph or exact
              "load_average": round(os.getloadavg()[0], 1)}  # other work on the machine inflates latencies
    del service, collection
    gc.collect()
    result["bench_peak_rss_mb"] = round(_peak_rss_mb())
    result.update(_service_memory(settings, backend))
    return result


def run_bench(sizes: list[int], queries: int = 200, keep: Path | None = None, backend: str = "faiss",
              reuse: bool = False) -> list[dict]:
    from extractor.resources import load_resources

    resources = load_resources()
    with tempfile.TemporaryDirectory(prefix="matcha-bench-") as tmp:
        scratch = keep or Path(tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        results = []
        for size in sizes:
            result = bench_size(size, queries, resources, scratch, backend,
                                reuse=reuse and keep is not None)
            log.info("bench: %s", json.dumps(result))
            if keep is not None:  # each size's figures as soon as they are known
                with open(keep / "results.jsonl", "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(result) + "\n")
            results.append(result)
        return results


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    if sys.argv[1:2] == ["--probe"]:
        print(json.dumps(probe_service(int(sys.argv[2]))))
    else:
        print(json.dumps(run_bench([10_000, 100_000]), indent=2))
