"""The API through a real ASGI client: roles and tokens, participants' CVs (upload, profile, matches, consent,
erasure), recruiters' ads and candidates, taxonomy look-up, limits and bad inputs. Real store, indexes, model."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from tests.conftest import ROOT, SWEDISH_CV, make_docx, make_pdf

MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def app_env(resources, tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.demo import load_demo
    from matcha.matching import MatchingService
    from core.settings import get_settings
    from store.users import Users

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("api"), "database_url": "",
                                                 "max_file_bytes": MAX_BYTES, "upload_rate_per_minute": 0})
    service = MatchingService(settings, resources)
    tokens = load_demo(service)
    users = Users(service.store)
    _, tokens["participant2"] = users.add("Andra deltagaren", "participant")
    _, tokens["recruiter2"] = users.add("Andra rekryteraren", "recruiter")
    client = TestClient(create_app(settings, service))
    return client, tokens, service


def auth(tokens: dict, role: str) -> dict:
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_health_docs_and_request_ids(app_env):
    client, _, _ = app_env
    response = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200 and response.json()["ads"] == 9 and response.json()["cvs"] == 2
    assert response.headers["X-Request-ID"] == "abc-123"
    assert client.get("/health").headers["X-Request-ID"]
    assert "/cvs/{cv_id}/matches" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and 'lang="sv"' in page.text


def test_tokens_and_roles(app_env):
    client, tokens, _ = app_env
    assert client.get("/cvs").status_code == 401
    assert client.get("/cvs", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/cvs", headers=auth(tokens, "recruiter")).status_code == 403
    assert client.get("/ads", headers=auth(tokens, "participant")).status_code == 403
    assert client.get("/me", headers=auth(tokens, "admin")).json()["role"] == "admin"
    # Tokens are stored hashed: the database never holds one.
    db = (app_env[2].settings.state_dir / "matcha.db").read_bytes()
    assert all(token.encode() not in db for token in tokens.values())


def test_participant_upload_profile_matches_consent_and_erasure(app_env, caplog):
    client, tokens, service = app_env
    me = auth(tokens, "participant2")
    email = "unik.deltagare.4711@example.se"  # the demo CVs hold the example's own address
    pdf = make_pdf(SWEDISH_CV.replace("ahmad.karimi@example.se", email).splitlines())
    with caplog.at_level(logging.INFO):
        response = client.post("/cvs", headers=me, files={"file": ("cv.pdf", pdf, "application/pdf")},
                               data={"municipality": "Örebro", "consent_contact": "false"})
    assert response.status_code == 201, response.text
    cv = response.json()
    assert "Ahmad" not in cv["profile"]["text"] and cv["contact"]["email"] == email
    assert any(s["label"] == "perform metal inert gas welding" for s in cv["profile"]["skills"])
    for skill in cv["profile"]["skills"]:
        for ev in skill["evidence"]:
            assert cv["profile"]["text"][ev["start"]:ev["end"]] == ev["text"]
    # No personal data in the logs.
    assert "Ahmad" not in caplog.text and email not in caplog.text and "cv.pdf" not in caplog.text
    cv_id = cv["id"]
    # Only the owner (and admins) reach it; others get 404, never the data.
    assert client.get(f"/cvs/{cv_id}", headers=auth(tokens, "participant")).status_code == 404
    assert client.get(f"/cvs/{cv_id}/matches", headers=auth(tokens, "participant")).status_code == 404
    assert client.delete(f"/cvs/{cv_id}", headers=auth(tokens, "participant")).status_code == 404
    assert client.get(f"/cvs/{cv_id}", headers=auth(tokens, "admin")).status_code == 200
    assert [c["id"] for c in client.get("/cvs", headers=me).json()] == [cv_id]
    matches = client.get(f"/cvs/{cv_id}/matches?top=3&kind=job", headers=me).json()["matches"]
    assert matches[0]["title"].startswith("Svetsare") and all(m["kind"] == "job" for m in matches)
    assert matches[0]["explanation"]["matched_skills"][0]["cv_evidence"]
    # Recruiters see contact details only after consent.
    welding_ad = matches[0]["ad_id"]
    recruiter = auth(tokens, "recruiter")

    def contact_of_candidate() -> dict | None:
        found = client.get(f"/ads/{welding_ad}/candidates", headers=recruiter).json()["candidates"]
        return next(c for c in found if c["cv_id"] == cv_id)["contact"]

    assert contact_of_candidate() is None
    assert client.put(f"/cvs/{cv_id}/consent", headers=me, json={"consent_contact": True}).json()["consent_contact"]
    assert contact_of_candidate()["email"] == email
    # Erasure: immediate, and nothing is left in the store, the index or the files.
    assert client.delete(f"/cvs/{cv_id}", headers=me).status_code == 204
    assert client.get(f"/cvs/{cv_id}", headers=me).status_code == 404
    assert service.store.get("cvs", cv_id) is None
    assert cv_id not in service.collections["cvs"].index.versions
    found = client.get(f"/ads/{welding_ad}/candidates", headers=recruiter).json()["candidates"]
    assert all(c["cv_id"] != cv_id for c in found)
    for path in service.settings.state_dir.rglob("*"):
        if path.is_file():
            assert email.encode() not in path.read_bytes(), path


def test_participant_confirms_and_rejects_skills_and_matching_follows(app_env):
    from tests.conftest import ENGLISH_CV

    client, tokens, service = app_env
    me = auth(tokens, "participant2")
    cv = client.post("/cvs", headers=me, files={"file": ("cv.txt", ENGLISH_CV.encode(), "text/plain")}).json()
    cv_id, profile = cv["id"], cv["profile"]
    assert profile["possible_skills"] and not profile["rejected_skills"]
    url = f"/cvs/{cv_id}/skills/review"
    matches = client.get(f"/cvs/{cv_id}/matches", headers=me).json()["matches"]
    top = matches[0]
    shown = {s["uri"] for s in profile["skills"]}
    wrong = next(m["uri"] for m in top["explanation"]["matched_skills"] if m["relation"] == "exact"
                 and m["uri"] in shown)  # a shown skill that explains the best match
    # Rejected: set apart, kept with its evidence, off the card and out of every explanation as the CV's own skill.
    after = client.put(url, headers=me, json={"uri": wrong, "verdict": "rejected"})
    assert after.status_code == 200, after.text
    rejected = after.json()["profile"]["rejected_skills"]
    assert [s["uri"] for s in rejected] == [wrong] and rejected[0]["evidence"]
    assert rejected[0]["review"]["verdict"] == "rejected" and rejected[0]["review"]["extracted_as"] == "skills"
    assert client.get(f"/cvs/{cv_id}", headers=me).json()["profile"]["rejected_skills"] == rejected  # stored
    assert wrong not in service.get_cv(cv_id).card.essential
    again = client.get(f"/cvs/{cv_id}/matches", headers=me).json()["matches"]
    for match in again:
        assert not any(m["uri"] == wrong and m["relation"] == "exact" for m in match["explanation"]["matched_skills"])
    found = client.get(f"/ads/{top['ad_id']}/candidates", headers=auth(tokens, "recruiter")).json()["candidates"]
    mine = [c for c in found if c["cv_id"] == cv_id]
    assert mine and all(not any(m["uri"] == wrong and m["relation"] == "exact" for m in c["explanation"]["matched_skills"])
               for c in mine)
    # Confirmed: a possible skill is shown, and a match it explains no longer calls it possible.
    possible = profile["possible_skills"][0]["uri"]
    confirmed = client.put(url, headers=me, json={"uri": possible, "verdict": "confirmed"}).json()["profile"]
    assert possible in {s["uri"] for s in confirmed["skills"]}
    assert possible not in {s["uri"] for s in confirmed["possible_skills"]}
    for match in client.get(f"/cvs/{cv_id}/matches?top=20", headers=me).json()["matches"]:
        assert not any(m["uri"] == possible and m["possible"] for m in match["explanation"]["matched_skills"])
    # Undo: the rejected skill is back where extraction put it, and matching uses it again.
    undone = client.put(url, headers=me, json={"uri": wrong, "verdict": "unreviewed"}).json()["profile"]
    assert wrong in {s["uri"] for s in undone["skills"]} and not undone["rejected_skills"]
    assert wrong in service.get_cv(cv_id).card.essential
    # Only the owner; a skill the profile lacks, a verdict nobody knows, a recruiter: clear errors.
    assert client.put(url, headers=auth(tokens, "participant"), json={"uri": wrong, "verdict": "rejected"}
                      ).status_code == 404
    unknown = client.put(url, headers=me, json={"uri": "http://data.europa.eu/esco/skill/none", "verdict": "rejected"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "unknown_skill"
    assert client.put(url, headers=me, json={"uri": wrong, "verdict": "maybe"}).status_code == 422
    assert client.put(url, headers=auth(tokens, "recruiter"), json={"uri": wrong, "verdict": "rejected"}
                      ).status_code == 403
    assert client.delete(f"/cvs/{cv_id}", headers=me).status_code == 204


def test_recruiter_ads_crud_candidates_and_competence_search(app_env):
    client, tokens, _ = app_env
    mine, other = auth(tokens, "recruiter2"), auth(tokens, "recruiter")
    ad = {"title": "Truckförare", "employer": "Lager AB", "kind": "job", "municipality": "Örebro",
          "text": "Krav:\n- Truckkort\n- Orderplock\n\nMeriterande:\n- C-körkort"}
    created = client.post("/ads", headers=mine, json=ad)
    assert created.status_code == 201, created.text
    body = created.json()
    # A required licence is a gate (met or not), not a skill that fills coverage (issue 13).
    assert any(code.startswith("truck") for code in body["licences"]), body["licences"]
    assert all(s["label"] != "operate forklift" for s in body["essential"])
    assert any(s["label"] for s in body["essential"])  # order picking stays a requirement
    ad_id = body["id"]
    assert [a["id"] for a in client.get("/ads", headers=mine).json()] == [ad_id]
    assert client.get(f"/ads/{ad_id}", headers=other).status_code == 404
    assert client.get(f"/ads/{ad_id}/candidates", headers=other).status_code == 404
    edited = client.put(f"/ads/{ad_id}", headers=mine, json={**ad, "title": "Truckförare natt"})
    assert edited.status_code == 200 and edited.json()["title"] == "Truckförare natt"
    candidates = client.get(f"/ads/{ad_id}/candidates", headers=mine).json()["candidates"]
    assert candidates and all("Ahmad" not in str(c["explanation"]) for c in candidates)
    skill = client.get("/taxonomy/skills?q=MIG-svetsning&limit=1").json()[0]["uri"]
    found = client.get("/candidates", headers=mine, params={"skill": skill}).json()["candidates"]
    assert found and found[0]["explanation"]["matched_skills"][0]["uri"] == skill
    assert client.get("/candidates", headers=mine, params={"skill": "http://x/y"}).status_code == 422
    uploaded = client.post("/ads/file", headers=mine, data={"kind": "traineeship", "municipality": "Umeå"},
                           files={"file": ("ad.docx", make_docx(["Kock", "Krav: matlagning och livsmedelshygien"]),
                                           "application/octet-stream")})
    assert uploaded.status_code == 201 and uploaded.json()["title"] == "Kock"
    assert client.delete(f"/ads/{ad_id}", headers=other).status_code == 404
    assert client.delete(f"/ads/{ad_id}", headers=mine).status_code == 204
    assert client.get(f"/ads/{ad_id}", headers=mine).status_code == 404


def test_taxonomy_autocomplete_in_swedish_and_english(app_env):
    client, _, _ = app_env
    swedish = client.get("/taxonomy/skills?q=svets").json()
    assert any(h["matched"].lower() == "svetsning" for h in swedish)
    english = client.get("/taxonomy/occupations?q=nurse&limit=5").json()
    assert english and all("nurse" in h["matched"].lower() for h in english)
    assert client.get("/taxonomy/planets?q=x").status_code == 404
    assert client.get("/taxonomy/skills").status_code == 422


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>" + " " * 60_000_000 + "</w:document>")
    return buffer.getvalue()


@pytest.mark.parametrize("name,data,status,code", [
    ("cv.pdf", b"%PDF-1.4 this is not really a pdf", 422, "corrupt_pdf"),
    ("cv.pdf", make_pdf(["Svetsare"], encrypt_with="hemligt"), 422, "encrypted_pdf"),
    ("scan.pdf", make_pdf(["x"] * 5, draw_text=False), 422, "no_text"),
    ("cv.docx", b"PK\x03\x04 broken zip", 415, "unsupported_type"),  # a zip, but not a DOCX
    ("cv.docx", None, 413, "zip_bomb"),
    ("cv.txt", b"", 422, "empty_file"),
    ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, 415, "unsupported_type"),
    ("huge.txt", b"a" * (MAX_BYTES + 10), 413, "too_large"),
])
def test_bad_uploads_get_a_clear_4xx_and_the_service_stays_up(app_env, name, data, status, code):
    client, tokens, _ = app_env
    data = _zip_bomb() if data is None else data
    response = client.post("/cvs", headers=auth(tokens, "participant"), files={"file": (name, data, "text/plain")})
    assert response.status_code == status, response.text
    assert response.json()["code"] == code and response.json()["detail"]
    assert client.get("/health").status_code == 200


def test_oversized_body_is_refused_before_it_is_read(app_env):
    client, tokens, _ = app_env
    response = client.post("/cvs", headers=auth(tokens, "participant"),
                           files={"file": ("big.txt", b"a" * (MAX_BYTES + 200_000), "text/plain")})
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_unicode_oddities_and_bad_ids(app_env):
    client, tokens, _ = app_env
    me = auth(tokens, "participant2")
    odd = ("Profil\nSvetsare\u200b med MIG/MAG-svetsning \U0001F525, ritningsläsning och\u202e truckkort.\n"
           "Erfarenhet: 10 år. Z\u0351\u0352algo\u0353 te\u0300\u0301xt \ufeff\x00\x01 slut.").encode("utf-8")
    response = client.post("/cvs", headers=me, files={"file": ("odd.txt", odd, "text/plain")})
    assert response.status_code == 201, response.text
    profile = response.json()["profile"]
    assert "\x00" not in profile["text"] and any(s["label"] == "perform metal inert gas welding"
                                                 for s in profile["skills"])
    assert client.delete(f"/cvs/{response.json()['id']}", headers=me).status_code == 204
    assert client.get("/cvs/abc", headers=me).status_code == 422
    assert client.get("/cvs/999999", headers=me).status_code == 404
    assert client.get("/cvs/1/matches?top=100000", headers=me).status_code == 422
    own = client.get("/cvs", headers=auth(tokens, "participant")).json()[0]["id"]
    unknown = client.get(f"/cvs/{own}/matches?region=Atlantis", headers=auth(tokens, "participant"))
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_region"
    bad_ad = client.post("/ads", headers=auth(tokens, "recruiter"), json={"title": "", "kind": "volunteer"})
    assert bad_ad.status_code == 422 and "kind" in bad_ad.json()["detail"]
    assert client.get("/health").status_code == 200


def test_errors_have_one_shape_and_are_documented(app_env):
    client, tokens, _ = app_env
    me = auth(tokens, "participant")
    for url, status in (("/cvs/99999999999999999999999", 422), ("/cvs/99999999999999999999999/matches", 422),
                        ("/cvs/0", 422), ("/cvs/9007199254740991", 404), ("/cvs/9223372036854775807", 422),
                        ("/nowhere", 404)):
        response = client.get(url, headers=me)
        assert response.status_code == status, (url, response.text)
        assert set(response.json()) == {"detail", "code"} and isinstance(response.json()["detail"], str)
    assert client.get("/ads/99999999999999999999999", headers=auth(tokens, "recruiter")).status_code == 422
    broken = client.put("/ads/1", headers={**auth(tokens, "recruiter"), "Content-Type": "application/json"},
                        content=b'{"title": "\xff"}')
    assert broken.status_code == 400 and broken.json()["code"] == "bad_request"
    # 405 names every method of the path, not only those of the first route that matched it.
    response = client.patch("/cvs/1", headers=me)
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "DELETE"}
    assert set(client.put("/ads/file").headers["allow"].split(", ")) == {"POST"}
    # The OpenAPI document gives every error status of every route that shape (FastAPI's list-shaped 422 is gone).
    document = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            errors = {s for s in operation["responses"] if int(s) >= 400}
            assert "422" in errors or not (operation.get("parameters") or operation.get("requestBody")), path
            assert "401" in errors or not operation.get("security"), (method, path)
            for status in errors:
                assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"}, (method, path, status)
    assert document["components"]["schemas"]["Problem"]["required"] == ["detail", "code"]


def test_page_assets_are_served(app_env):
    client, _, _ = app_env
    assert client.get("/static/app.js").status_code == 200
    assert (ROOT / "api" / "static" / "index.html").is_file()
