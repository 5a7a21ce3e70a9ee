"""Bounded work: the upload gate's per-user limits and bounded queue (with a clock the test moves), the API's 429
and 503 answers with Retry-After, and uploads read by a real extraction pool behind the API."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from matcha.upload_limits import Refused, UploadGate, UploadLimits
from tests.conftest import SWEDISH_CV


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _refusal(gate: UploadGate, user: str) -> Refused:
    with pytest.raises(Refused) as refused:
        gate.admit(user)
    return refused.value


def test_per_user_rate_refills_over_time_and_users_are_apart():
    clock = Clock()
    gate = UploadGate(UploadLimits(per_user_in_flight=0, per_minute=6, burst=2, queue_limit=0), clock)
    for _ in range(2):
        gate.admit("a")
        gate.release("a", 1.0)
    refused = _refusal(gate, "a")
    assert refused.status == 429 and refused.code == "upload_rate" and refused.retry_after == 10  # 6 a minute
    gate.admit("b")  # another user has their own allowance
    clock.now += 10
    gate.admit("a")  # one more after 10 s, and no more
    assert _refusal(gate, "a").status == 429


def test_in_flight_per_user_and_the_bounded_queue():
    gate = UploadGate(UploadLimits(per_user_in_flight=1, per_minute=0, queue_limit=2, workers=2), Clock())
    gate.admit("a")
    refused = _refusal(gate, "a")
    assert refused.status == 429 and refused.code == "too_many_uploads" and refused.retry_after >= 1
    gate.admit("b")
    assert gate.in_service == 2
    full = _refusal(gate, "c")
    assert full.status == 503 and full.code == "busy" and full.retry_after >= 1
    gate.release("a", 3.0)
    gate.admit("c")
    assert gate.in_service == 2
    # A refused request takes nothing: after the two finish, the queue is empty.
    gate.release("b")
    gate.release("c")
    assert gate.in_service == 0


def test_a_slot_is_given_back_however_the_work_ends():
    gate = UploadGate(UploadLimits(per_user_in_flight=1, per_minute=0, queue_limit=1), Clock())
    with pytest.raises(ValueError), gate.slot("a"):
        raise ValueError("the document could not be read")
    with gate.slot("a"):
        assert gate.in_service == 1
    assert gate.in_service == 0


@pytest.fixture(scope="module")
def service(resources, tmp_path_factory):
    from api.demo import load_demo
    from core.settings import get_settings
    from matcha.matching import MatchingService

    settings = get_settings().model_copy(update={
        "data_dir": tmp_path_factory.mktemp("limits"), "database_url": "", "upload_rate_per_minute": 6,
        "upload_burst": 2, "upload_in_flight_per_user": 1, "upload_queue_limit": 2, "extract_workers": 1})
    service = MatchingService(settings, resources)
    service.demo_tokens = load_demo(service)
    return service


def _upload(client, token: str, marker: str):  # noqa: ANN001, ANN202
    text = SWEDISH_CV + f"\nReferens {marker}\n"
    return client.post("/cvs", headers={"Authorization": f"Bearer {token}"},
                       files={"file": ("cv.txt", text.encode(), "text/plain")})


def test_the_api_answers_429_and_503_with_retry_after(service):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from store.users import Users

    app = create_app(service.settings, service)
    client = TestClient(app)
    users = Users(service.store)
    first, second = (users.add(name, "participant")[1] for name in ("Första", "Andra"))
    assert [_upload(client, first, f"a{n}").status_code for n in range(2)] == [201, 201]
    limited = _upload(client, first, "a3")
    assert limited.status_code == 429 and limited.json()["code"] == "upload_rate"
    assert 1 <= int(limited.headers["Retry-After"]) <= 10 and set(limited.json()) == {"detail", "code"}
    assert _upload(client, second, "b1").status_code == 201  # the limit is per user
    gate = app.state.upload_gate
    gate.admit("someone"), gate.admit("someone else")  # the queue (2) is full
    busy = _upload(client, second, "b2")
    assert busy.status_code == 503 and busy.json()["code"] == "busy" and int(busy.headers["Retry-After"]) >= 1
    assert client.get("/health").json()["reading"] == 2
    gate.release("someone"), gate.release("someone else")
    assert _upload(client, second, "b3").status_code == 201
    assert client.get("/health").json()["reading"] == 0


def test_uploads_are_read_by_the_extraction_pool(service):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from store.users import Users

    with TestClient(create_app(service.settings, service, extraction_pool=True)) as client:
        app = client.app
        assert app.state.pool is not None and client.get("/health").json()["readers"] == 1
        token = service.demo_tokens["participant"]
        response = _upload(client, token, "pool-1")
        assert response.status_code == 201, response.text
        profile = response.json()["profile"]
        assert "pool-1" in profile["text"]
        assert any(s["label"] == "perform metal inert gas welding" for s in profile["skills"])
        # The same profile as read in this process: the pool runs the same reader.
        here = service.read_cv(text=None, data=(SWEDISH_CV + "\nReferens pool-1\n").encode()).profile
        assert [s["uri"] for s in profile["skills"]] == [s.uri for s in here.skills]
        stored = client.get(f"/cvs/{response.json()['id']}", headers={"Authorization": f"Bearer {token}"}).json()
        assert stored["profile"]["text"] == profile["text"]
        bad = client.post("/cvs", headers={"Authorization": f"Bearer {token}"},
                          files={"file": ("cv.pdf", b"%PDF-1.4 not really", "application/pdf")})
        assert bad.status_code == 422 and bad.json()["code"] == "corrupt_pdf"  # the worker's error, kept
        # Concurrent uploads of several users: each stored profile is its own document's, none lost.
        app.state.upload_gate = UploadGate(UploadLimits(per_user_in_flight=0, per_minute=0, queue_limit=0))
        tokens = [Users(service.store).add(f"samtidig {i}", "participant")[1] for i in range(3)]
        jobs = [(token, f"conc-{i}-{n}") for i, token in enumerate(tokens) for n in range(2)]
        with ThreadPoolExecutor(len(jobs)) as threads:
            answers = list(threads.map(lambda job: _upload(client, *job), jobs))
        assert [a.status_code for a in answers] == [201] * len(jobs)
        for (token, marker), answer in zip(jobs, answers):
            stored = client.get(f"/cvs/{answer.json()['id']}", headers={"Authorization": f"Bearer {token}"})
            assert marker in stored.json()["profile"]["text"]
            assert all(other not in stored.json()["profile"]["text"] for _, other in jobs if other != marker)
        assert len({a.json()["id"] for a in answers}) == len(jobs)
    assert app.state.pool._closed  # closed with the app
