"""Idempotent, resumable ingestion on the real model, SQLite store and FAISS index: ads keyed by their feed id (or
content hash) are updated in place, unchanged ones cost no extraction, a crash loses at most the batch in flight
and the next run carries on, expired and withdrawn ads leave the store and the index. JobTech records are written
here in the Platsbanken JSON-lines format."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SWEDISH_CV

ADS = ROOT / "examples" / "ads"
NOW = dt.datetime.now(dt.timezone.utc)
FUTURE = (NOW + dt.timedelta(days=30)).strftime("%Y-%m-%dT23:59:59")
PAST = (NOW - dt.timedelta(days=2)).strftime("%Y-%m-%dT23:59:59")


def jobtech_ad(ad_id: str, example: dict, deadline: str | None = FUTURE, **extra: object) -> dict:
    """A Platsbanken ad as JobTech's JobSearch/JobStream APIs give it (the fields matcha reads, and some more)."""
    return {"id": ad_id, "external_id": f"46-{ad_id}", "headline": example["title"],
            "description": {"text": example["text"], "text_formatted": example["text"], "company_information": None},
            "employer": {"name": example["employer"], "organization_number": "5560000000"},
            "workplace_address": {"municipality": example["municipality"], "region": "Örebro län",
                                  "country": "Sverige"},
            "occupation": {"concept_id": f"occ-{ad_id}", "label": example["title"].split()[0],
                           "legacy_ams_taxonomy_id": "1234"},
            "application_deadline": deadline, "publication_date": "2025-01-02T08:00:00", **extra}


def examples() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ADS.glob("*.json"))]


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records)
                    + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def service(resources, tmp_path):
    from core.settings import get_settings
    from matcha.matching import MatchingService

    settings = get_settings().model_copy(update={"data_dir": tmp_path / "data", "database_url": ""})
    return MatchingService(settings, resources)


def counting(service) -> list[str]:
    """Count the ads the service reads (extraction runs as before; only counted)."""
    read, original = [], service.read_ad

    def read_ad(ad):
        read.append(ad.title)
        return original(ad)

    service.read_ad = read_ad
    return read


def in_step(service) -> set[int]:
    collection = service.collections["ads"]
    collection.sync()
    stored = service.store.versions("ads")
    assert collection.index.versions == stored, "index and store differ"
    return set(stored)


def test_jobtech_records_are_read_with_their_keys_deadlines_and_problems(tmp_path):
    from matcha.jobtech import JobTechFile

    welder = examples()[-3]
    path = write_jsonl(tmp_path / "ads.jsonl", [
        jobtech_ad("101", welder, deadline="2031-03-31T23:59:59"),
        jobtech_ad("102", welder, deadline="2031-03-31", occupation=[{"label": "Rörsvetsare"}]),
        jobtech_ad("103", welder, deadline="2031-03-31T10:00:00Z", headline=""),
        "{not json",
        json.dumps({"headline": "no id"}),
        json.dumps({"id": "104", "removed": True, "removed_date": "2025-01-03"}),
        ""])
    source = JobTechFile(path)
    records = list(source)
    assert [r.key for r in records] == ["jobtech:101", "jobtech:102", "jobtech:103", "jobtech:104"]
    first, second, third, withdrawn = records
    assert first.ad.title == welder["title"] and first.ad.employer == welder["employer"]
    assert first.ad.municipality == "Örebro" and first.ad.kind == "job" and welder["text"] in first.ad.text
    assert first.expires_at == dt.datetime(2031, 3, 31, 21, 59, 59, tzinfo=dt.timezone.utc)  # Swedish summer time
    assert second.expires_at == first.expires_at and second.ad.text.startswith("Yrke: Rörsvetsare\n")
    assert third.ad.title == "Svetsare" and third.expires_at.hour == 10  # no headline: the occupation label
    assert withdrawn.removed
    assert [p.message.split(":")[0] for p in source.problems] == ["line 4", "line 5"]
    assert "not valid JSON" in source.problems[0].message and "no id" in source.problems[1].message


def test_importing_again_updates_in_place_and_unchanged_ads_do_no_work(service, tmp_path):
    from matcha.ingestion import import_ads
    from matcha.jobtech import JobTechFile

    ads = examples()
    feed = [jobtech_ad(str(200 + i), ad) for i, ad in enumerate(ads)] + [jobtech_ad("299", ads[0], deadline=PAST)]
    read = counting(service)
    first = import_ads(service, JobTechFile(write_jsonl(tmp_path / "a.jsonl", feed)), batch=4)
    assert len(first.added) == len(ads) and first.expired == 1 and first.batches == 3 and not first.updated
    assert len(read) == len(ads)  # the expired ad was never read
    ids = in_step(service)
    assert len(ids) == len(ads) and service.match(profile=service.cv_profile(text=SWEDISH_CV)[0], k=1)[0] \
        .title.startswith("Svetsare")
    versions = service.store.versions("ads")

    read.clear()
    again = import_ads(service, JobTechFile(tmp_path / "a.jsonl"), batch=4)
    assert (again.unchanged, len(again.added), len(again.updated), again.batches) == (len(ads), 0, 0, 0)
    assert read == [] and service.store.versions("ads") == versions  # no extraction, no write

    # One ad changed at the source, one withdrawn, one past its deadline now: updated in place / removed.
    cook = next(i for i, ad in enumerate(ads) if ad["title"].startswith("Kock"))
    feed[cook]["description"]["text"] += "\n\nMeriterande:\n- Erfarenhet av bakning"
    withdrawn, lapsed = (cook + 1) % len(ads), (cook + 2) % len(ads)
    feed[withdrawn] = {"id": feed[withdrawn]["id"], "removed": True}
    feed[lapsed]["application_deadline"] = PAST
    changed = import_ads(service, JobTechFile(write_jsonl(tmp_path / "b.jsonl", feed)), batch=4)
    assert [u["title"] for u in changed.updated] == [ads[cook]["title"]] and read == [ads[cook]["title"]]
    assert changed.removed == 2 and changed.unchanged == len(ads) - 3 and not changed.added
    cook_id = changed.updated[0]["id"]
    assert cook_id in ids and service.store.versions("ads")[cook_id] == versions[cook_id] + 1
    assert "bakning" in service.get_ad(cook_id).profile.text
    left = in_step(service)
    assert len(left) == len(ads) - 2 and left < ids
    titles = {a["title"] for a in service.list_ads()}
    assert ads[withdrawn]["title"] not in titles and ads[lapsed]["title"] not in titles


def test_ad_files_are_keyed_by_external_id_or_content(service, tmp_path):
    from extractor.documents import Limits
    from matcha.ad_files import read_ad_records
    from matcha.ingestion import import_ads

    ad = examples()[0]
    (tmp_path / "ad.json").write_text(json.dumps({**ad, "external_id": "crm-7"}), encoding="utf-8")
    (tmp_path / "ad.txt").write_text("Lagerarbetare\n\nKrav:\n- Truckkort\n", encoding="utf-8")
    limits = Limits()
    records = [r for name in ("ad.json", "ad.txt") for r in read_ad_records(tmp_path / name, limits, {})]
    assert records[0].key == "crm-7" and records[1].key.startswith("sha256:")
    assert len(import_ads(service, records).added) == 2
    assert import_ads(service, records).unchanged == 2 and service.store.count("ads") == 2
    # The same id with a new text is the same ad; a text file with a new text is a new ad (no id to follow).
    (tmp_path / "ad.json").write_text(json.dumps({**ad, "title": "Ny titel", "external_id": "crm-7"}),
                                      encoding="utf-8")
    (tmp_path / "ad.txt").write_text("Lagerarbetare natt\n\nKrav:\n- Truckkort\n", encoding="utf-8")
    records = [r for name in ("ad.json", "ad.txt") for r in read_ad_records(tmp_path / name, limits, {})]
    report = import_ads(service, records)
    assert [u["title"] for u in report.updated] == ["Ny titel"] and [a["title"] for a in report.added] == \
           ["Lagerarbetare natt"]
    assert sorted(a["title"] for a in service.list_ads()) == ["Lagerarbetare", "Lagerarbetare natt", "Ny titel"]
    assert len(in_step(service)) == 3


def test_a_crash_mid_import_loses_at_most_the_batch_in_flight_and_the_next_run_carries_on(service, tmp_path):
    from matcha.ingestion import import_ads
    from matcha.jobtech import JobTechFile

    ads = examples()
    path = write_jsonl(tmp_path / "feed.jsonl", [jobtech_ad(str(300 + i), ad) for i, ad in enumerate(ads)])

    original = service.read_ad

    def crashing(ad):  # the 8th ad read: the process dies (here: an error nobody catches)
        if len(done) == 7:
            raise RuntimeError("power cut")
        done.append(ad.title)
        return original(ad)

    done: list[str] = []
    service.read_ad = crashing
    with pytest.raises(RuntimeError, match="power cut"):
        import_ads(service, JobTechFile(path), batch=3)
    assert service.store.count("ads") == 6  # two batches committed; the third (one ad read) lost
    service.read_ad = original
    read = counting(service)
    report = import_ads(service, JobTechFile(path), batch=3)
    assert report.unchanged == 6 and len(report.added) == len(ads) - 6 and len(read) == len(ads) - 6
    assert len(in_step(service)) == len(ads) == service.store.count("ads")


def test_expire_removes_ads_past_their_deadline_from_store_and_index(service, tmp_path):
    from matcha.ingestion import expire_ads, import_ads
    from matcha.jobtech import JobTechFile

    ads = examples()[:4]
    soon = (NOW + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    feed = [jobtech_ad("401", ads[0], deadline=soon), jobtech_ad("402", ads[1], deadline=soon),
            jobtech_ad("403", ads[2], deadline=FUTURE), jobtech_ad("404", ads[3], deadline=None)]
    import_ads(service, JobTechFile(write_jsonl(tmp_path / "feed.jsonl", feed)))
    assert expire_ads(service) == 0 and service.store.count("ads") == 4
    assert expire_ads(service, now=NOW + dt.timedelta(days=2)) == 2
    assert sorted(a["title"] for a in service.list_ads()) == sorted([ads[2]["title"], ads[3]["title"]])
    assert len(in_step(service)) == 2


def test_an_older_store_gains_the_new_columns(tmp_path):
    from store.ad_feed import AdFeed
    from store.database import Store

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the ads table as stores made before keyed import have it
        conn.execute("CREATE TABLE ads (id INTEGER PRIMARY KEY AUTOINCREMENT, owner VARCHAR(200), municipality "
                     "VARCHAR(100) NOT NULL, municipality_key VARCHAR(100) NOT NULL, profile TEXT NOT NULL, card "
                     "TEXT NOT NULL, vector BLOB NOT NULL, version INTEGER NOT NULL, created_at VARCHAR(32) NOT NULL, "
                     "updated_at VARCHAR(32) NOT NULL, title VARCHAR(300) NOT NULL, employer VARCHAR(300) NOT NULL, "
                     "kind VARCHAR(20) NOT NULL)")
        conn.execute("INSERT INTO ads (municipality, municipality_key, profile, card, vector, version, created_at, "
                     "updated_at, title, employer, kind) VALUES ('', '', '{}', '{}', x'00', 1, '', '', 'old', '', "
                     "'job')")
    store = Store(f"sqlite:///{path}")
    row = {"municipality": "", "profile": "{}", "card": "{}", "vector": b"\0", "title": "new", "employer": "",
           "kind": "job", "external_id": "k1", "content_hash": "h", "expires_at": None}
    feed = AdFeed(store)
    assert feed.upsert([row]) == [(2, True)] and feed.upsert([{**row, "title": "newer"}]) == [(2, False)]
    assert [a["title"] for a in store.list("ads")] == ["old", "newer"] and feed.known(["k1"]) == {"k1": (2, "h")}
    with sqlite3.connect(path) as conn:  # the key is unique in the database itself
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE ads SET external_id = 'k1' WHERE id = 1")


def test_cli_import_killed_mid_run_carries_on_without_copies(tmp_path):
    """`matcha ads import-jobtech --workers 1`, killed (SIGKILL, workers too) after its first batches: the next
    run skips what was stored and adds the rest, each ad once."""
    ads = examples()
    path = write_jsonl(tmp_path / "feed.jsonl", [jobtech_ad(str(500 + i), ad) for i, ad in enumerate(ads * 2)])
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        assert json.loads(line)["id"] == str(500 + i)
    data = tmp_path / "data"
    env = {**os.environ, "MATCHA_DATA_DIR": str(data)}
    command = [sys.executable, "-m", "matcha.cli", "ads", "import-jobtech", str(path), "--workers", "1", "--batch",
               "2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)

    def stored() -> int:
        try:
            with sqlite3.connect(data / "matcha.db", timeout=30) as conn:
                return conn.execute("SELECT count(*) FROM ads").fetchone()[0]
        except sqlite3.OperationalError:  # not made yet
            return 0

    deadline = time.monotonic() + 600
    while stored() < 4 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the command and its worker: like a crash
    process.wait(30)
    cut = stored()
    assert 4 <= cut < len(ads) * 2, f"{cut} stored when killed"
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["unchanged"] == cut and len(report["added"]) == 2 * len(ads) - cut
    with sqlite3.connect(data / "matcha.db") as conn:
        keys = [k for (k,) in conn.execute("SELECT external_id FROM ads")]
    assert sorted(keys) == sorted(f"jobtech:{500 + i}" for i in range(2 * len(ads)))
