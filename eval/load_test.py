"""Load test of the service on 127.0.0.1: `matcha loadtest` (or `python -m eval.load_test`).

Starts the API on a scratch store with the demo ads (or targets ``--url`` with an admin token), makes one
participant per worker, and has the workers upload CVs and ask for matches concurrently, bounded by a request
count and a time limit. Each CV carries the worker's own e-mail address and municipality, so the check that
nothing was lost or mixed up is exact: every upload is stored once, every profile and every list a participant
gets back is their own. Prints requests/s and p50/p99 latency per endpoint as JSON."""

from __future__ import annotations

import json
import logging
import socket
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
log = logging.getLogger(__name__)


def _start_server(scratch: Path):  # noqa: ANN202 - (url, service, stop)
    import uvicorn

    from api.app import create_app
    from api.demo import load_demo
    from matcha.matching import MatchingService
    from core.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": scratch, "database_url": ""})
    service = MatchingService(settings)
    load_demo(service)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, service), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    return f"http://127.0.0.1:{port}", service, server


def run_load_test(workers: int = 8, uploads_per_worker: int = 3, matches_per_upload: int = 5,
                  duration_s: float = 120.0) -> dict:
    from store.users import Users

    cv_text = (EXAMPLES / "cv_sv_svetsare.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="matcha-load-") as tmp:
        url, service, server = _start_server(Path(tmp))
        tokens = [Users(service.store).add(f"load {i}", "participant")[1] for i in range(workers)]
        before = service.store.count("cvs")
        timings: dict[str, list[float]] = {"upload": [], "matches": [], "list": []}
        problems: list[str] = []
        deadline = time.monotonic() + duration_s
        lock = threading.Lock()

        def timed(name: str, call):  # noqa: ANN001, ANN202
            started = time.perf_counter()
            response = call()
            with lock:
                timings[name].append((time.perf_counter() - started) * 1000)
            return response

        def worker(i: int) -> list[int]:
            mine: list[int] = []
            email, place = f"load.worker{i}@example.se", f"Ort{i}"
            headers = {"Authorization": f"Bearer {tokens[i]}"}
            with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
                for n in range(uploads_per_worker):
                    if time.monotonic() > deadline:
                        break
                    text = cv_text.replace("ahmad.karimi@example.se", email) + f"\nKurs {n}\n"
                    response = timed("upload", lambda: client.post(
                        "/cvs", files={"file": ("cv.txt", text.encode(), "text/plain")},
                        data={"municipality": place}))
                    if response.status_code != 201:
                        problems.append(f"worker {i}: upload {response.status_code}")
                        continue
                    cv = response.json()
                    if cv["contact"]["email"] != email or cv["municipality"] != place:
                        problems.append(f"worker {i}: got someone else's CV back")
                    mine.append(cv["id"])
                    for _ in range(matches_per_upload):
                        if time.monotonic() > deadline:
                            break
                        response = timed("matches", lambda: client.get(f"/cvs/{cv['id']}/matches?top=10"))
                        if response.status_code != 200 or not response.json()["matches"]:
                            problems.append(f"worker {i}: matches {response.status_code}")
                listed = timed("list", lambda: client.get("/cvs")).json()
                if sorted(c["id"] for c in listed) != sorted(mine) or any(c["municipality"] != place
                                                                          for c in listed):
                    problems.append(f"worker {i}: the CV list is not exactly their own")
            return mine

        started = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            uploaded = [cv_id for ids in pool.map(worker, range(workers)) for cv_id in ids]
        elapsed = time.perf_counter() - started
        stored = service.store.count("cvs") - before
        indexed = len(service.collections["cvs"]) - before  # FAISS or pgvector
        server.should_exit = True
    total = sum(len(v) for v in timings.values())
    return {
        "workers": workers, "requests": total, "seconds": round(elapsed, 1),
        "requests_per_s": round(total / elapsed, 2),
        **{f"{name}_p50_ms": round(statistics.median(v), 1) for name, v in timings.items() if v},
        **{f"{name}_p99_ms": round(float(np.percentile(v, 99)), 1) for name, v in timings.items() if v},
        "uploads": len(uploaded), "stored": stored, "indexed": indexed,
        "lost": len(uploaded) - stored, "duplicate_ids": len(uploaded) - len(set(uploaded)),
        "problems": problems[:20], "ok": not problems and stored == len(uploaded) == indexed,
    }


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run_load_test(), indent=2))
