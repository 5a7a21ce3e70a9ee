"""`matcha eval match`: same-field precision@5 and MRR of matching, CV to CV and CV to ad, beside text baselines.

The collection (eval.match_sets: a folder of CVs and ads, or a labelled CSV of CVs alone, which has CV->CV only)
is loaded into a scratch store through the real MatchingService (extraction,
masking, cards, vectors, FAISS and BM25 indexes). Every CV of a split is a query: CV->CV ranks the other CVs
(``similar_cvs``), CV->ad ranks the ads (``match``); the pool is the whole collection, the split only chooses the
queries. Baselines rank the same pool by TF-IDF cosine of the raw text and of the masked text, BM25 of the raw
text, and whole-text embeddings of the raw text (all-MiniLM-L6-v2, multilingual-e5-small). Figures per query
language and overall.

Ranking weights are tuned on the ``tune`` queries only (coordinate search over the fusion and score weights,
objective: mean precision@5 of both directions); ``matcha`` is the product with its shipped weights, ``matcha
(tuned)`` the same with the weights this run tuned; both splits are printed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import tempfile
import time
from pathlib import Path
import numpy as np

from core.ranking_weights import RankingWeights
from eval.match_sets import (TOP, SetDoc, bm25_similarity, embedding_similarity, read_match_set, tfidf_similarity,
                             top_ids)
from eval.metrics import precision_at, reciprocal_rank

log = logging.getLogger(__name__)

Collection = tuple[list[SetDoc], list[SetDoc]]  # (CVs, ads); no ads: CV->CV only

DIRECTIONS = ("cv_cv", "cv_ad")
Rankings = dict[str, dict[str, list[str]]]  # direction -> query id -> ranked ids

# The coordinate search: each weight tried at these values, the others held (two passes).
GRID: dict[str, tuple[float, ...]] = {
    "fused": (0.1, 0.3, 0.6, 1.0, 2.0),
    "semantic": (0.0, 0.15, 0.3, 0.6),
    "essential": (0.0, 0.2, 0.4, 0.8),
    "occupation": (0.0, 0.1, 0.2, 0.4),
    "lexical_channel": (0.0, 0.5, 1.0, 2.0),
    "text_channel": (0.0, 0.5, 1.0, 2.0),
    "concept_channel": (0.0, 0.5, 1.0, 2.0),
    "coverage_prior_weight": (0.5, 2.0, 4.0),
}


class MatchRun:
    """A collection loaded into a scratch store, with every system's rankings for every CV."""

    def __init__(self, collection: Collection, data_dir: Path, progress: bool = True) -> None:
        from core.settings import get_settings
        from matcha.matching import MatchingService

        self.cvs, self.ads = collection
        self.directions = DIRECTIONS if self.ads else DIRECTIONS[:1]
        self.data_dir = data_dir
        settings = get_settings()
        settings = settings.model_copy(update={"data_dir": data_dir, "database_url": "",
                                               "ranking": settings.ranking.model_copy()})
        self.service = MatchingService(settings)
        self.shipped = settings.ranking.model_copy()
        started = time.perf_counter()
        # A kept store (--store) is brought in step with the collection: only new documents are extracted.
        ids_file = data_dir / "match_set_ids.json"
        known = json.loads(ids_file.read_text(encoding="utf-8")) if ids_file.exists() else {"ads": [], "cvs": []}
        known = self._load(known, progress)
        ids_file.write_text(json.dumps(known), encoding="utf-8")
        self.ad_of = {d["store_id"]: d["set_id"] for d in known["ads"]}
        self.cv_store = {d["set_id"]: d["store_id"] for d in known["cvs"]}
        self.cv_of = {store_id: set_id for set_id, store_id in self.cv_store.items()}
        self.load_seconds = time.perf_counter() - started
        self.stored_cvs = self.service.get_cvs(list(self.cv_store.values()))
        self.masked = {set_id: self.stored_cvs[i].profile.text for set_id, i in self.cv_store.items()}
        self.masked_ads = {self.ad_of[i]: ad.profile.text
                           for i, ad in self.service.get_ads(list(self.ad_of)).items()}
        self.field = {d.id: d.field for d in (*self.cvs, *self.ads)}
        self.of_field: dict[str, set[str]] = {}
        for d in (*self.cvs, *self.ads):
            self.of_field.setdefault(d.field, set()).add(d.id)

    def _load(self, known: dict[str, list[dict]], progress: bool) -> dict[str, list[dict]]:
        """Add the documents the store lacks and remove those the collection no longer has."""
        from tqdm import tqdm

        from store.records import AdIn

        service = self.service
        for name, docs, remove in (("ads", self.ads, service.remove_ad), ("cvs", self.cvs, service.remove_cv)):
            wanted = {d.id for d in docs}
            stored = set(service.store.versions(name))  # type: ignore[arg-type]
            kept = [d for d in known[name] if d["set_id"] in wanted and d["store_id"] in stored]
            for item in stored - {d["store_id"] for d in kept}:
                remove(item)
            known[name] = kept
        have = {name: {d["set_id"] for d in known[name]} for name in known}
        new_ads = [a for a in self.ads if a.id not in have["ads"]]
        ad_ids = service.add_ads([AdIn(title=a.title, employer=a.employer, kind=a.kind,  # type: ignore[arg-type]
                                       municipality=a.municipality, text=a.text) for a in new_ads],
                                 progress=progress)
        known["ads"] += [{"set_id": a.id, "store_id": i} for a, i in zip(new_ads, ad_ids)]
        for cv in tqdm([c for c in self.cvs if c.id not in have["cvs"]], desc="CVs", unit="cv",
                       disable=not progress):
            known["cvs"].append({"set_id": cv.id, "store_id": service.add_cv(text=cv.text)})
        return known

    # -- systems ---------------------------------------------------------------------------------------------------
    def matcha(self, weights: RankingWeights, queries: list[SetDoc]) -> Rankings:
        live = self.service.settings.ranking  # shared by the retrievers and the ranker
        for name, value in weights.model_dump().items():
            setattr(live, name, value)
        out: Rankings = {direction: {} for direction in self.directions}
        for q in queries:
            cv = self.stored_cvs[self.cv_store[q.id]]
            out["cv_cv"][q.id] = [self.cv_of[s.item_id] for s in self.service.ranked_similar_cvs(cv, k=TOP)]
            if self.ads:
                out["cv_ad"][q.id] = [self.ad_of[s.item_id] for s in self.service.ranked_ads(cv=cv, k=TOP)]
        return out

    def baselines(self) -> dict[str, Rankings]:
        resources = self.service.resources
        cv_ids, ad_ids = [c.id for c in self.cvs], [a.id for a in self.ads]
        raw_cv, raw_ad = [c.text for c in self.cvs], [f"{a.title}\n{a.text}" for a in self.ads]
        masked_cv = [self.masked[i] for i in cv_ids]
        masked_ad = [self.masked_ads[i] for i in ad_ids]
        # Each direction's targets: ids, raw and masked texts (CV->ad only where the collection has ads).
        every = {"cv_cv": (cv_ids, raw_cv, masked_cv), "cv_ad": (ad_ids, raw_ad, masked_ad)}
        targets = {d: every[d] for d in self.directions}
        corpus_raw, corpus_masked = raw_cv + raw_ad, masked_cv + masked_ad
        similarity: dict[str, dict[str, np.ndarray]] = {
            "tfidf (raw)": {d: tfidf_similarity(raw_cv, raw, corpus_raw) for d, (_, raw, _) in targets.items()},
            "tfidf (masked)": {d: tfidf_similarity(masked_cv, masked, corpus_masked)
                               for d, (_, _, masked) in targets.items()},
            "bm25 (raw)": {d: bm25_similarity(raw_cv, raw) for d, (_, raw, _) in targets.items()},
        }
        from index.hybrid import embed_text

        for name, encoder in (("all-MiniLM (raw)", resources.encoder),
                              ("multilingual-e5 (raw)", resources.reader("sv").encoder)):
            cache = self.data_dir / f"baseline-{encoder.name.replace('/', '-')}.json"
            vectors = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
            for text in corpus_raw:
                key = hashlib.sha1(text.encode()).hexdigest()
                if key not in vectors:
                    vectors[key] = embed_text(encoder, text).tolist()
            cache.write_text(json.dumps(vectors), encoding="utf-8")

            def stacked(texts: list[str]) -> np.ndarray:
                return np.array([vectors[hashlib.sha1(t.encode()).hexdigest()] for t in texts], np.float32)

            cv_vectors = stacked(raw_cv)
            similarity[name] = {d: embedding_similarity(cv_vectors, stacked(raw)) for d, (_, raw, _) in targets.items()}
        return {name: {d: dict(zip(cv_ids, top_ids(sim, targets[d][0], cv_ids))) for d, sim in by_direction.items()}
                for name, by_direction in similarity.items()}

    # -- figures ---------------------------------------------------------------------------------------------------
    def figures(self, rankings: Rankings, queries: list[SetDoc]) -> dict[str, dict[str, dict[str, float]]]:
        """direction -> group (overall, sv, en) -> {p@5, mrr, n}."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for direction in self.directions:
            groups: dict[str, list[tuple[float, float]]] = {}
            for q in queries:
                ranked = rankings[direction].get(q.id, [])
                gold = self.of_field[q.field] - {q.id}
                pair = (precision_at(ranked, gold, 5), reciprocal_rank(ranked, gold))
                for group in ("overall", q.lang):
                    groups.setdefault(group, []).append(pair)
            out[direction] = {g: {"p@5": round(float(np.mean([p for p, _ in v])), 4),
                                  "mrr": round(float(np.mean([r for _, r in v])), 4), "n": len(v)}
                              for g, v in sorted(groups.items(), key=lambda kv: kv[0] != "overall")}
        return out

    def objective(self, weights: RankingWeights, queries: list[SetDoc]) -> float:
        figures = self.figures(self.matcha(weights, queries), queries)
        return sum(figures[d]["overall"]["p@5"] + 0.1 * figures[d]["overall"]["mrr"] for d in self.directions)

    def tune(self, queries: list[SetDoc], passes: int = 2) -> tuple[RankingWeights, list[str]]:
        """Coordinate search on the tune queries only."""
        best = self.shipped.model_copy()
        best_value = self.objective(best, queries)
        notes = [f"tuning: shipped weights score {best_value:.4f} on the tune queries"]
        for _ in range(passes):
            improved = False
            for name, values in GRID.items():
                for value in values:
                    if value == getattr(best, name):
                        continue
                    trial = best.model_copy(update={name: value})
                    score = self.objective(trial, queries)
                    log.info("tuning: %s=%s -> %.4f (best %.4f)", name, value, score, best_value)
                    if score > best_value + 1e-9:
                        best, best_value, improved = trial, score, True
                        notes.append(f"tuning: {name}={value} -> {score:.4f}")
            if not improved:
                break
        return best, notes


def _results_for_report(splits: dict) -> dict[str, dict[str, dict[str, float]]]:
    results = {}
    for split, by_system in splits.items():
        first = next(iter(by_system.values()))
        for direction, groups in first.items():
            for group in groups:
                results[f"{split} · {direction.replace('_', '→')} · {group}"] = {
                    system: {m: v for m, v in figures[direction][group].items() if m != "n"}
                    for system, figures in by_system.items()}
    return results


def ratios(splits: dict) -> dict[str, dict[str, float]]:
    """matcha's precision@5 over the best baseline's, per split and direction (overall)."""
    out: dict[str, dict[str, float]] = {}
    for split, by_system in splits.items():
        ours = [s for s in by_system if s.startswith("matcha")]
        for direction in by_system["matcha"]:
            base = max(f[direction]["overall"]["p@5"] for s, f in by_system.items() if not s.startswith("matcha"))
            for system in ours:
                value = by_system[system][direction]["overall"]["p@5"]
                out.setdefault(split, {})[f"{system} {direction}"] = round(value / base, 3) if base else 0.0
    return out


def run_match_eval(collection: Path | Collection, splits: list[str], tune: bool = True, progress: bool = True,
                   store: Path | None = None, notes: list[str] | None = None) -> dict:
    """Everything `matcha eval match` prints: per split, system -> direction -> group -> figures. ``collection``: a
    folder (``eval.match_sets.read_match_set``) or the documents read (``read_labelled_csv``: CVs alone, CV->CV
    only); ``store``: a folder to keep the scratch store in (and reuse, for the same collection and code), else a
    temporary one; ``notes``: what reading the collection said, printed first."""
    started = time.perf_counter()
    if isinstance(collection, (str, Path)):
        collection = read_match_set(Path(collection))
    notes = list(notes or [])
    with (contextlib.nullcontext(str(store)) if store else
          tempfile.TemporaryDirectory(prefix="matcha-eval-match-")) as scratch:
        Path(scratch).mkdir(parents=True, exist_ok=True)
        run = MatchRun(collection, Path(scratch), progress)
        queries = {s: [c for c in run.cvs if c.split == s] for s in ("tune", "report")}
        baselines = run.baselines()
        notes += [f"{len(run.cvs)} CVs and {len(run.ads)} ads over {len(set(run.field.values()))} fields, loaded "
                 f"in {run.load_seconds:.0f} s; queries: {len(queries['tune'])} tune, {len(queries['report'])} "
                 "report; pool: the whole collection"]
        systems: dict[str, RankingWeights] = {"matcha": run.shipped}
        tuned = None
        if tune and queries["tune"]:
            tuned, tuning_notes = run.tune(queries["tune"])
            notes += tuning_notes
            systems["matcha (tuned)"] = tuned
        result_splits: dict = {}
        for split in splits:
            if not queries[split]:
                continue
            by_system = {name: run.figures(run.matcha(weights, queries[split]), queries[split])
                         for name, weights in systems.items()}
            by_system.update({name: run.figures(r, queries[split]) for name, r in baselines.items()})
            result_splits[split] = by_system
        run.matcha(run.shipped, [])  # leave the service with its shipped weights
    notes.append(f"total {time.perf_counter() - started:.0f} s")
    changed = ({k: v for k, v in tuned.model_dump().items() if v != getattr(run.shipped, k)} if tuned else {})
    return {"splits": result_splits, "ratio_to_best_baseline": ratios(result_splits),
            "tuned_weights": changed, "notes": notes}


def write_match_report(path: Path, result: dict) -> Path:
    from eval.report import write_report

    notes = list(result["notes"]) + [f"ratio to the best baseline ({split}): {r}"
                                     for split, r in result["ratio_to_best_baseline"].items()]
    notes.append(f"tuned weights (changed from shipped): {result['tuned_weights']}")
    return write_report(path, "matcha matching: same-field precision@5 and MRR", _results_for_report(
        result["splits"]), notes)
