"""The web page in a real headless Chromium (Debian's `chromium`, driven by Playwright's Python package): a
participant uploads a CV, sees the profile and matches, and deletes it; a recruiter posts an ad and sees ranked
anonymised candidates. Skipped only where no Chromium is installed and MATCHA_REQUIRE_BROWSER is not set
(.ci/run installs it and sets it)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time

import pytest

from tests.conftest import SWEDISH_CV

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("MATCHA_REQUIRE_BROWSER"):
    pytest.skip("no chromium installed (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(resources, tmp_path_factory):
    import uvicorn

    from api.app import create_app
    from api.demo import load_demo
    from matcha.matching import MatchingService
    from core.settings import get_settings

    settings = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("web"), "database_url": ""})
    service = MatchingService(settings, resources)
    tokens = load_demo(service)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(settings, service), host="127.0.0.1", port=port,
                                       log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not uv.started and time.time() < deadline:
        time.sleep(0.1)
    assert uv.started
    yield f"http://127.0.0.1:{port}", tokens, service
    uv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "MATCHA_REQUIRE_BROWSER is set but no chromium is installed"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


def _login(page, url: str, token: str) -> None:
    page.goto(url)
    page.get_by_test_id("token").fill(token)
    page.get_by_test_id("login").click()


def test_participant_uploads_sees_matches_and_deletes(server, browser, tmp_path):
    from playwright.sync_api import expect

    url, tokens, service = server
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, url, tokens["participant"])
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_test_id("who")).to_contain_text("deltagare")
    cv = tmp_path / "mitt-cv.txt"
    cv.write_text(SWEDISH_CV.replace("ahmad.karimi@example.se", "webb.test@example.se"), encoding="utf-8")
    page.get_by_test_id("cv-file").set_input_files(str(cv))
    page.get_by_test_id("upload").click()
    expect(page.get_by_test_id("status")).to_have_text("Ditt CV är inläst.", timeout=60_000)
    matches = page.get_by_test_id("match")
    expect(matches.first).to_contain_text("Svetsare till verkstadsindustri")
    expect(matches.first).to_contain_text("Matchade kompetenser")
    expect(page.get_by_test_id("matches")).to_contain_text("Saknas")
    # The profile: skills listed and their evidence highlighted in the masked CV text.
    expect(page.get_by_test_id("skills")).to_contain_text("MIG-svetsning")
    expect(page.get_by_test_id("cv-text").locator("mark.skill").first).to_be_visible()
    expect(page.get_by_test_id("cv-text")).not_to_contain_text("Ahmad")
    # The possible skills (less certain, counted in matching) are listed apart, each as the store has it.
    cv_id = max(row["id"] for row in service.list_cvs())
    possible = service.get_cv(cv_id).profile.possible_skills
    expect(page.get_by_test_id("possible-skills").locator("li")).to_have_count(len(possible))
    for skill in possible:
        expect(page.get_by_test_id("possible-skills")).to_contain_text(skill.label_sv or skill.label)
    page.get_by_test_id("match-title").first.click()
    expect(page.get_by_test_id("cv-text").locator("mark.hit").first).to_be_visible()
    # A matched skill covered by another skill of the CV (same ESCO group) says so: as many as the API has; so
    # does one resting on a possible skill, once.
    cv_id = max(row["id"] for row in service.list_cvs())
    shown = service.match(cv=service.get_cv(cv_id), k=10)
    on_possible = sum(m.possible for match in shown for m in match.explanation.matched_skills)
    expect(page.get_by_test_id("matches").locator("li.matched.possible")).to_have_count(on_possible)
    expect(page.get_by_test_id("matches")).not_to_contain_text(re.compile(r"möjlig[^)]*möjlig"))
    related = sum(m.relation == "related" for match in shown for m in match.explanation.matched_skills)
    expect(page.get_by_test_id("matches").locator('li[data-relation="related"]')).to_have_count(related)
    if related:
        first = next(m for match in shown for m in match.explanation.matched_skills if m.relation == "related")
        chip = page.get_by_test_id("matches").locator('li[data-relation="related"]').first
        expect(chip).to_contain_text("närliggande")
        expect(chip).to_have_attribute("title", f"genom kompetensen {first.cv_skill_sv or first.cv_skill}")
    # The participant's word: a shown skill rejected goes to "Borttagna av dig" (stored, off the card), and back.
    first = service.get_cv(cv_id).profile.skills[0]
    chip = page.get_by_test_id("skills").locator(f'li[data-uri="{first.uri}"]')
    chip.get_by_test_id("rejected-skill").click()
    expect(page.get_by_test_id("status")).to_have_text("Kompetensen är borttagen ur din profil.")
    expect(page.get_by_test_id("rejected-skills")).to_contain_text(first.label_sv or first.label)
    expect(page.get_by_test_id("skills").locator(f'li[data-uri="{first.uri}"]')).to_have_count(0)
    assert [s.uri for s in service.get_cv(cv_id).profile.rejected_skills] == [first.uri]
    assert first.uri not in service.get_cv(cv_id).card.essential
    page.get_by_test_id("rejected-skills").get_by_test_id("unreviewed-skill").click()
    expect(page.get_by_test_id("status")).to_have_text("Ändringen är ångrad.")
    expect(page.get_by_test_id("rejected-skills").locator("li")).to_have_count(0)
    assert first.uri in service.get_cv(cv_id).card.essential
    if possible:  # a possible skill confirmed is shown, marked as confirmed
        page.get_by_test_id("possible-skills").get_by_test_id("confirmed-skill").first.click()
        expect(page.get_by_test_id("status")).to_have_text("Kompetensen är bekräftad.")
        expect(page.get_by_test_id("skills").locator(f'li[data-uri="{possible[0].uri}"]')).to_have_class(
            re.compile(r"\bconfirmed\b"))
        expect(page.get_by_test_id("possible-skills").locator("li")).to_have_count(len(possible) - 1)
    # Consent to show contact details: off at upload, switched on from the profile, stored.
    assert not service.get_cv(cv_id).consent_contact
    page.get_by_test_id("profile-consent").check()
    expect(page.get_by_test_id("status")).to_have_text("Rekryterare kan nu se dina kontaktuppgifter.")
    assert service.get_cv(cv_id).consent_contact
    # English interface text on request.
    page.locator("#lang-en").click()
    expect(page.locator("#profile h2").first).to_have_text("Your competence profile")
    page.locator("#lang-sv").click()
    # Delete: confirmed, and gone from the store.
    before = {row["id"] for row in service.list_cvs()}
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("delete-cv").click()
    expect(page.get_by_test_id("status")).to_contain_text("raderat")
    expect(page.get_by_test_id("profile")).to_be_hidden()
    after = {row["id"] for row in service.list_cvs()}
    assert len(before - after) == 1 and all(b"webb.test@example.se" not in (p.read_bytes())
                                            for p in service.settings.state_dir.rglob("*") if p.is_file())
    assert not errors, errors


def test_recruiter_posts_an_ad_and_sees_anonymised_candidates(server, browser):
    from playwright.sync_api import expect

    url, tokens, _ = server
    page = browser.new_page()
    _login(page, url, tokens["recruiter"])
    expect(page.get_by_test_id("ads").get_by_test_id("ad")).to_have_count(9)
    page.get_by_test_id("ad-title").fill("Sjuksköterska, intensivvård")
    page.get_by_test_id("ad-text").fill("Vi söker sjuksköterska.\n\nKrav:\n- Intensivvård\n- Läkemedelshantering\n")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("status")).to_have_text("Annonsen är publicerad.", timeout=60_000)
    expect(page.get_by_test_id("ads").get_by_test_id("ad")).to_have_count(10)
    candidates = page.get_by_test_id("candidate")
    expect(candidates.first).to_contain_text("Kandidat #")
    # The nurse CV (no consent) ranks first, and shows no name or contact details.
    expect(candidates.first).not_to_contain_text("Kontakt")
    expect(page.get_by_test_id("candidates")).not_to_contain_text("Maryam")
    # Search by competence with autocomplete.
    page.get_by_test_id("skill-query").fill("MIG-svets")
    page.get_by_test_id("skill-query").press("Enter")
    expect(page.get_by_test_id("candidate").first).to_contain_text("Kandidat #")


def test_coordinator_sees_cohort_mentor_suggestions_assignment_and_outcomes(server, browser):
    from pathlib import Path

    from playwright.sync_api import expect

    from store.programmes import Programmes

    url, tokens, service = server
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, url, tokens["coordinator"])
    expect(page.get_by_test_id("who")).to_contain_text("koordinator")
    expect(page.get_by_test_id("participant")).to_have_count(2, timeout=30_000)
    expect(page.get_by_test_id("programme-info")).to_contain_text("2026-01-12")
    welder = next(row["id"] for row in service.list_cvs() if row["municipality"] == "Örebro")
    ali = next(m["id"] for m in Programmes(service.store).mentors() if m["name"].startswith("Ali"))
    # Mentor suggestions for the welder: the welder mentor first, explained.
    page.get_by_test_id(f"suggest-{welder}").click()
    first = page.get_by_test_id("suggestion").first
    expect(first).to_contain_text("Ali, svetsare", timeout=60_000)  # the first one embeds the ISCO group labels
    expect(first.get_by_test_id("why")).to_contain_text("Samma yrke")
    expect(first.get_by_test_id("why")).to_contain_text("Samma kommun")
    # The cohort-wide assignment, then a forbidden pair and a re-run.
    page.get_by_test_id("run-assignment").click()
    expect(page.get_by_test_id("status")).to_have_text("Mentorerna är fördelade.", timeout=30_000)
    expect(page.get_by_test_id("pair")).to_have_count(2)
    expect(page.get_by_test_id("assignment")).to_contain_text(f"#{welder} → Ali, svetsare")
    expect(page.get_by_test_id("assignment-total")).to_contain_text("Sammanlagd passform")
    page.get_by_test_id(f"forbidden-{welder}-{ali}").click()
    expect(page.get_by_test_id("status")).to_have_text("Paret är uteslutet.")
    page.get_by_test_id("run-assignment").click()
    expect(page.get_by_test_id("forbidden-pair")).to_have_count(1, timeout=30_000)
    expect(page.get_by_test_id("assignment")).not_to_contain_text(f"#{welder} → Ali")
    # Outcomes: the figures and the plot (an SVG made by the service).
    expect(page.get_by_test_id("outcome-row").first).to_contain_text("2026 VT")
    expect(page.get_by_test_id("outcome-row").first).to_contain_text("100 %")
    expect(page.get_by_test_id("outcome-plot")).to_be_visible()
    page.wait_for_function("document.getElementById('outcome-plot').naturalWidth > 0")
    with page.expect_download() as download:
        page.get_by_test_id("outcomes-csv").click()
    assert "2026 VT,2,1,1" in Path(download.value.path()).read_text(encoding="utf-8")
    # Record a placement: dates in the wrong order are refused and nothing is written; then the nurse gets a job.
    nurse = next(row["id"] for row in service.list_cvs() if row["municipality"] == "Västerås")
    placements = Programmes(service.store).placements()
    page.get_by_test_id("placement-cv").select_option(str(nurse))
    page.get_by_test_id("placement-kind").select_option("job")
    page.get_by_test_id("placement-start").fill("2026-09-01")
    page.get_by_test_id("placement-end").fill("2026-08-01")
    page.get_by_test_id("record-placement").click()
    expect(page.get_by_test_id("status")).to_contain_text("end")
    assert Programmes(service.store).placements() == placements
    page.get_by_test_id("placement-end").fill("")
    page.get_by_test_id("record-placement").click()
    expect(page.get_by_test_id("status")).to_have_text("Det är registrerat.", timeout=30_000)
    expect(page.get_by_test_id("outcome-row").first).to_contain_text("(1/2)")  # 2 in work now
    # Participants by CV number: an unknown one is refused with a message and nothing is added.
    page.get_by_test_id("participant-ids").fill("999999")
    page.get_by_test_id("add-participants").click()
    expect(page.get_by_test_id("status")).to_contain_text("no CV 999999")
    expect(page.get_by_test_id("participant")).to_have_count(2)
    # A mentor from the form: a capacity below zero is refused; one from a CV-like text joins the suggestions.
    page.locator("#mentor-box summary").click()
    page.get_by_test_id("mentor-name").fill("Mentor från text")
    page.get_by_test_id("mentor-capacity").fill("-1")
    page.get_by_test_id("add-mentor").click()
    expect(page.get_by_test_id("status")).to_contain_text("capacity")
    assert not [m for m in Programmes(service.store).mentors() if m["name"] == "Mentor från text"]
    page.get_by_test_id("mentor-capacity").fill("1")
    page.get_by_test_id("mentor-languages").fill("sv, ar")
    page.get_by_test_id("mentor-text").fill("Svetsare\n\nErfarenhet\nMIG/MAG-svetsning och TIG-svetsning, läsa ritningar.")
    page.get_by_test_id("add-mentor").click()
    expect(page.get_by_test_id("status")).to_have_text("Mentorn är tillagd.", timeout=60_000)
    expect(page.get_by_test_id("suggestions")).to_contain_text("Mentor från text", timeout=30_000)
    # English.
    page.locator("#lang-en").click()
    expect(page.locator("#coordinator h2").first).to_have_text("Programmes")
    expect(page.get_by_test_id("suggestion").first.get_by_test_id("why")).to_contain_text("Same occupation")
    expect(page.get_by_test_id("outcomes")).to_contain_text("In work or studies")
    assert not errors, errors
