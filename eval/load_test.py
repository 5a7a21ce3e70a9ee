"""Load test of the service on 127.0.0.1: `matcha loadtest` (or `python -m eval.load_test`).

Starts the API (with its extraction pool, as `matcha serve` does) on a scratch store with the demo ads, and for
each number of concurrent users makes that many participants, who each upload CVs and ask for matches, bounded by
request counts and a time limit. A refused upload (429, 503) is retried after its Retry-After, as a client should.
Each upload carries its user's own e-mail address, municipality and a marker of its own, so the check that nothing
was lost or mixed up is exact: every accepted upload is stored and indexed once, the profile answered and the one
stored (read back) hold that upload's marker, and every list a participant gets is exactly their own. Limits:
``loose`` (none), or ``settings`` (MATCHA_UPLOAD_* from the environment, else the defaults). Prints JSON."""

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
LOOSE = {"upload_rate_per_minute": 0, "upload_in_flight_per_user": 0, "upload_queue_limit": 0}
log = logging.getLogger(__name__)


def _start_server(scratch: Path, limits: str, pool: bool):  # noqa: ANN202 - (url, service, server)
    import uvicorn

    from api.app import create_app
    from api.demo import load_demo
    from core.settings import get_settings
    from matcha.matching import MatchingService

    settings = get_settings().model_copy(update={"data_dir": scratch, "database_url": "",
                                                 **(LOOSE if limits == "loose" else {})})
    service = MatchingService(settings)
    load_demo(service)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, service, extraction_pool=pool), host="127.0.0.1",
                                           port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:  # after the lifespan: the pool's workers have loaded the models
        time.sleep(0.1)
    return f"http://127.0.0.1:{port}", service, server


def _percentiles(timings: dict[str, list[float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, values in timings.items():
        if values:
            out[f"{name}_p50_ms"] = round(statistics.median(values), 1)
            out[f"{name}_p99_ms"] = round(float(np.percentile(values, 99)), 1)
    return out


def _run(url: str, service, users: int, uploads_per_user: int, matches_per_upload: int,  # noqa: ANN001
         duration_s: float) -> dict:
    from store.users import Users

    cv_text = (EXAMPLES / "cv_sv_svetsare.txt").read_text(encoding="utf-8")
    tokens = [Users(service.store).add(f"load {users}-{i}", "participant")[1] for i in range(users)]
    before_stored, before_indexed = service.store.count("cvs"), len(service.collections["cvs"])
    timings: dict[str, list[float]] = {"upload": [], "upload_with_retries": [], "matches": [], "read_back": []}
    refused = {429: 0, 503: 0}
    problems: list[str] = []
    deadline = time.monotonic() + duration_s
    lock = threading.Lock()

    def timed(name: str, call):  # noqa: ANN001, ANN202
        started = time.perf_counter()
        response = call()
        with lock:
            timings[name].append((time.perf_counter() - started) * 1000)
        return response

    def upload(client: httpx.Client, body: bytes, place: str) -> httpx.Response | None:
        started = time.perf_counter()
        while time.monotonic() < deadline:
            response = timed("upload", lambda: client.post(
                "/cvs", files={"file": ("cv.txt", body, "text/plain")}, data={"municipality": place}))
            if response.status_code not in refused:
                with lock:
                    timings["upload_with_retries"].append((time.perf_counter() - started) * 1000)
                return response
            with lock:
                refused[response.status_code] += 1
                timings["upload"].pop()  # a refusal is counted, not timed as an upload
            time.sleep(min(float(response.headers.get("Retry-After", "1")), max(0.0, deadline - time.monotonic())))
        return None

    def user(i: int) -> list[int]:
        mine: dict[int, str] = {}
        email, place = f"load.user{users}x{i}@example.se", f"Ort{i}"
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[i]}"}, timeout=300) as client:
            for n in range(uploads_per_user):
                marker = f"lt{users}x{i}x{n}"
                text = cv_text.replace("ahmad.karimi@example.se", email) + f"\nReferens {marker}\n"
                response = upload(client, text.encode(), place)
                if response is None:
                    break  # out of time
                if response.status_code != 201:
                    problems.append(f"user {i}: upload {response.status_code}")
                    continue
                cv = response.json()
                own = cv["contact"]["email"] == email and cv["municipality"] == place
                if not own or marker not in cv["profile"]["text"]:
                    problems.append(f"user {i}: the upload's answer is not its own document")
                mine[cv["id"]] = marker
                for _ in range(matches_per_upload):
                    if time.monotonic() > deadline:
                        break
                    response = timed("matches", lambda: client.get(f"/cvs/{cv['id']}/matches?top=10"))
                    if response.status_code != 200 or not response.json()["matches"]:
                        problems.append(f"user {i}: matches {response.status_code}")
            for cv_id, marker in mine.items():  # what was stored is each upload's own document
                stored = timed("read_back", lambda: client.get(f"/cvs/{cv_id}")).json()
                if marker not in stored["profile"]["text"] or stored["contact"]["email"] != email:
                    problems.append(f"user {i}: CV {cv_id} stored with another document's profile")
            listed = client.get("/cvs").json()
            if sorted(c["id"] for c in listed) != sorted(mine) or any(c["municipality"] != place for c in listed):
                problems.append(f"user {i}: the CV list is not exactly their own")
        return list(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        uploaded = [cv_id for ids in pool.map(user, range(users)) for cv_id in ids]
    elapsed = time.perf_counter() - started
    stored = service.store.count("cvs") - before_stored
    indexed = len(service.collections["cvs"]) - before_indexed
    requests = sum(len(v) for k, v in timings.items() if k != "upload_with_retries") + sum(refused.values())
    return {
        "users": users, "requests": requests, "seconds": round(elapsed, 1),
        "requests_per_s": round(requests / elapsed, 2), **_percentiles(timings),
        "uploads_asked": users * uploads_per_user, "uploads_accepted": len(uploaded),
        "refused_429": refused[429], "refused_503": refused[503], "stored": stored, "indexed": indexed,
        "lost": len(uploaded) - stored, "duplicate_ids": len(uploaded) - len(set(uploaded)),
        "problems": problems[:20], "ok": not problems and stored == len(uploaded) == indexed,
    }


def run_load_test(users: tuple[int, ...] = (8, 32), uploads_per_user: int = 3, matches_per_upload: int = 5,
                  duration_s: float = 300.0, limits: str = "settings", pool: bool = True) -> dict:
    """One server; a run per number of concurrent users, one after another."""
    with tempfile.TemporaryDirectory(prefix="matcha-load-") as tmp:
        url, service, server = _start_server(Path(tmp), limits, pool)
        try:
            state = server.config.app.state
            gate = state.upload_gate.limits
            runs = [_run(url, service, n, uploads_per_user, matches_per_upload, duration_s) for n in users]
        finally:
            server.should_exit = True
    return {"limits": limits, "extraction_workers": gate.workers if state.pool is not None else 0,
            "upload_limits": {"per_minute": gate.per_minute, "burst": gate.burst,
                              "in_flight_per_user": gate.per_user_in_flight, "queue": gate.queue_limit},
            "runs": runs, "ok": all(run["ok"] for run in runs)}


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run_load_test(), indent=2))
