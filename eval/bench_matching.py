"""Matching benchmark: `matcha bench` (or `python -m eval.bench_matching`).

Builds stores and indexes of synthetic ads made from the taxonomy (each ad: an ESCO occupation, essential and
nice-to-have skills drawn from the skills nearest that occupation, a municipality, a kind, sometimes a language
level and a driving licence), in a scratch folder, through the same code as real ads from the card on (card ->
vector -> store -> index). Prints, per size: build time, bytes per ad (index and store), match latency p50/p99 for
top-10 on one CV (retrieval + re-ranking + explanations; the CV's extraction is done once, before timing), the same
with a municipality filter, and recall@10 of the index against exact search."""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

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
            rows.append({"title": title, "employer": "Synthetic AB", "municipality": municipality,
                         "kind": "traineeship" if self.rng.random() < 0.2 else "job",
                         "profile": profile.model_dump_json(), "card": card.model_dump_json(),
                         "vector": encode_vector(card_vector(card, self.concepts))})
        return rows


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def bench_size(size: int, queries: int, resources, scratch: Path) -> dict:  # noqa: ANN001
    from matcha.matching import MatchingService
    from core.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": scratch / f"ads-{size}", "database_url": ""})
    service = MatchingService(settings, resources)
    synthetic = SyntheticAds(service)
    started = time.perf_counter()
    rows_done = 0
    from tqdm import tqdm

    with tqdm(total=size, desc=f"synthetic ads ({size})", unit="ad") as bar:
        while rows_done < size:
            rows = synthetic.ad_rows(min(5000, size - rows_done))
            service.store.add("ads", rows)
            rows_done += len(rows)
            bar.update(len(rows))
    stored = time.perf_counter() - started
    service.collections["ads"].sync()
    build = time.perf_counter() - started
    index = service.collections["ads"].index
    index_bytes = service.collections["ads"].path.stat().st_size
    store_bytes = sum(p.stat().st_size for p in settings.state_dir.glob("matcha.db*"))

    # Queries: the two example CVs (extracted once, not timed) and synthetic CVs.
    profiles = [service.cv_profile(data=p.read_bytes())[0] for p in sorted(EXAMPLES.glob("cv_*.txt"))]
    profiles += [synthetic.profile(as_ad=False)[0] for _ in range(max(0, queries - len(profiles)))]
    for profile in profiles[:5]:  # warm-up
        service.match(profile=profile, k=10)
    latencies, filtered = [], []
    for profile in profiles:
        t = time.perf_counter()
        service.match(profile=profile, k=10)
        latencies.append((time.perf_counter() - t) * 1000)
    for profile in profiles[:50]:
        t = time.perf_counter()
        service.match(profile=profile, k=10, municipality=MUNICIPALITIES[len(filtered) % len(MUNICIPALITIES)])
        filtered.append((time.perf_counter() - t) * 1000)

    # Recall@10 of the index (IVF beyond the exact limit) against exact search, on the query CVs' vectors.
    ids, vectors, _ = service.store.vectors("ads", list(service.store.versions("ads")), service.concepts.dim)
    ids = np.array(ids, dtype=np.int64)
    query_vectors = np.stack([service._vector(cv_card(p), p.text) for p in profiles])
    truth = exact_top_k(vectors, ids, query_vectors, 10)
    found = np.array([[i for i, _ in row] + [-1] * (10 - len(row)) for row in
                      (index.search(q[None, :], 10)[0] for q in query_vectors)])
    return {"ads": size, "index": index.kind, "nprobe": index.nprobe, "build_s": round(build, 1),
            "store_s": round(stored, 1), "bytes_per_ad": round((index_bytes + store_bytes) / size),
            "index_bytes_per_ad": round(index_bytes / size), "store_bytes_per_ad": round(store_bytes / size),
            "queries": len(latencies), "p50_ms": round(statistics.median(latencies), 1),
            "p99_ms": round(_percentile(latencies, 99), 1),
            "filtered_p50_ms": round(statistics.median(filtered), 1),
            "filtered_p99_ms": round(_percentile(filtered, 99), 1),
            "recall@10": round(recall_at_k(found, truth), 4)}


def run_bench(sizes: list[int], queries: int = 200, keep: Path | None = None) -> list[dict]:
    from extractor.resources import load_resources

    resources = load_resources()
    with tempfile.TemporaryDirectory(prefix="matcha-bench-") as tmp:
        scratch = keep or Path(tmp)
        results = []
        for size in sizes:
            result = bench_size(size, queries, resources, scratch)
            log.info("bench: %s", json.dumps(result))
            results.append(result)
        return results


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(json.dumps(run_bench([10_000, 100_000]), indent=2))
