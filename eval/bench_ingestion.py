"""Ingestion throughput: `python -m eval.bench_ingestion --ads 300 --workers 1 2`.

Writes (or reads, ``--file``) ads in the JobTech (Platsbanken) JSON-lines format and imports them with
``matcha.ingestion.import_ads`` through an extraction pool of each size in turn, back to back, each into a fresh
scratch store. Synthetic ads are built from matcha's Swedish lexicon (a job title, duties, requirements and merits
drawn from the skill terms, a few sentences about the workplace), about 1,500 characters each, the same ads for
every setting. Per setting it prints: worker start-up (the models loaded in each worker), the import's wall time,
ads/s, ads/s per worker, the CPU seconds used by the workers and by this process (psutil), how many cores that
kept busy, ads per CPU-second, and the load average around the run (the machine may be shared)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import tempfile
import time
from pathlib import Path

import psutil

from eval.cpu_time import cpu_seconds

LEXICON = Path(__file__).resolve().parent.parent / "taxonomy" / "lexicon"
MUNICIPALITIES = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Örebro", "Västerås", "Linköping", "Umeå", "Gävle",
                  "Luleå", "Karlstad", "Växjö", "Sundsvall", "Borås", "Eskilstuna", "Jönköping"]
ABOUT = ["Vi är ett växande företag med ett trevligt arbetsklimat och korta beslutsvägar.",
         "Hos oss får du introduktion, handledning och möjlighet att utvecklas i yrket.",
         "Arbetet sker i team tillsammans med erfarna kollegor och du rapporterar till arbetsledaren.",
         "Tjänsten är en tillsvidareanställning på heltid med inledande provanställning om sex månader.",
         "Vi tillämpar kollektivavtal och erbjuder friskvårdsbidrag och tjänstepension.",
         "Urval och intervjuer sker löpande, så skicka gärna din ansökan redan i dag.",
         "Vi värdesätter mångfald och välkomnar sökande med olika bakgrund och erfarenheter.",
         "Arbetstiden är förlagd till dagtid måndag till fredag, med visst inslag av helgarbete."]


def _terms(pattern: str) -> list[str]:
    terms = []
    for path in sorted(LEXICON.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                terms.append(line.split("\t")[0].split("|")[0].strip())
    return [t for t in terms if 3 <= len(t) <= 60]


def synthetic_jobtech(count: int, seed: int = 12) -> list[dict]:
    """``count`` ads in the JobTech format, reproducible from ``seed``."""
    rng = random.Random(seed)
    titles, skills = _terms("sv_occupations*.tsv"), _terms("sv_skills_*.tsv")
    deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat() + "T23:59:59"
    ads = []
    for n in range(count):
        title, place = rng.choice(titles), rng.choice(MUNICIPALITIES)
        drawn = rng.sample(skills, 11)
        text = "\n\n".join([
            f"Vi söker en {title.lower()} till vår verksamhet i {place}. " + " ".join(rng.sample(ABOUT, 3)),
            "Arbetsuppgifter:\n" + "\n".join(f"- {s}" for s in drawn[:4]),
            "Krav:\n" + "\n".join(f"- {s}" for s in drawn[4:8]) + "\n- Svenska, goda kunskaper i tal och skrift",
            "Meriterande:\n" + "\n".join(f"- {s}" for s in drawn[8:]) + "\n- B-körkort",
            " ".join(rng.sample(ABOUT, 2))])
        ads.append({"id": str(30_000_000 + n), "headline": f"{title[:1].upper()}{title[1:]} till {place}",
                    "description": {"text": text}, "employer": {"name": f"Företag {n % 97} AB"},
                    "workplace_address": {"municipality": place},
                    "occupation": {"concept_id": f"synthetic-{n % 300}", "label": title},
                    "application_deadline": deadline})
    return ads


def run_setting(feed: Path, workers: int, batch: int) -> dict:
    """Import ``feed`` into a fresh store through a pool of ``workers`` (0: in this process)."""
    from core.settings import get_settings
    from matcha.extraction_pool import ExtractionPool
    from matcha.ingestion import import_ads
    from matcha.jobtech import JobTechFile
    from matcha.matching import MatchingService

    with tempfile.TemporaryDirectory(prefix="matcha-ingest-") as scratch:
        settings = get_settings().model_copy(update={"data_dir": Path(scratch), "database_url": ""})
        service = MatchingService(settings)
        pool = ExtractionPool(settings, workers) if workers else None
        try:
            started = time.perf_counter()
            if pool is not None:
                pool.warm_up()
            startup = time.perf_counter() - started
            me = psutil.Process()
            processes = [me] + [psutil.Process(pid) for pid in (pool.worker_pids() if pool else [])]
            cpu_before, load_before = cpu_seconds(processes), os.getloadavg()[0]
            started = time.perf_counter()
            report = import_ads(service, JobTechFile(feed), pool=pool, batch=batch)
            wall = time.perf_counter() - started
            cpu = cpu_seconds(processes) - cpu_before
            worker_rss = [p.memory_info().rss for p in processes[1:]]
        finally:
            if pool is not None:
                pool.close()
    ads = len(report.added)
    return {"workers": workers, "ads": ads, "failed": len(report.failed), "startup_s": round(startup, 1),
            "wall_s": round(wall, 1), "ads_per_s": round(ads / wall, 2),
            "ads_per_s_per_worker": round(ads / wall / max(workers, 1), 2), "cpu_s": round(cpu, 1),
            "cores_busy": round(cpu / wall, 2), "ads_per_cpu_s": round(ads / cpu, 2),
            "worker_rss_mb": [round(r / 2**20) for r in worker_rss],
            "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ads", type=int, default=300, help="synthetic ads to write (without --file)")
    parser.add_argument("--file", type=Path, help="a JobTech JSON-lines file to import instead")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="pool sizes, run in this order")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--write", type=Path, help="only write the synthetic ads to this file")
    args = parser.parse_args()
    if args.write:
        args.write.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in synthetic_jobtech(args.ads)),
                              encoding="utf-8")
        return
    with tempfile.TemporaryDirectory() as folder:
        feed = args.file
        if feed is None:
            feed = Path(folder) / "ads.jsonl"
            feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in synthetic_jobtech(args.ads)),
                            encoding="utf-8")
        results = [run_setting(feed, workers, args.batch) for workers in args.workers]
    for result in results:
        print(json.dumps(result))
    base = results[0]
    for result in results[1:]:
        print(f"workers {base['workers']} -> {result['workers']}: ads/s x{result['ads_per_s'] / base['ads_per_s']:.2f},"
              f" ads/s per worker {base['ads_per_s_per_worker']} -> {result['ads_per_s_per_worker']}, ads per "
              f"CPU-second {base['ads_per_cpu_s']} -> {result['ads_per_cpu_s']}")


if __name__ == "__main__":
    main()
