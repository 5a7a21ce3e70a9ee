"""The extraction pool: worker processes that load the real taxonomy and models once and read ads and CVs exactly
as the service's own process does; errors cross the process boundary with their code and status; results come
back in order; the number of documents waiting is known; a dead worker is replaced."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

from tests.conftest import ENGLISH_CV, ROOT, SWEDISH_CV, make_pdf


@pytest.fixture(scope="module")
def pool():
    from matcha.extraction_pool import ExtractionPool

    with ExtractionPool(workers=2) as extraction_pool:
        extraction_pool.warm_up()
        yield extraction_pool


@pytest.fixture(scope="module")
def reader(resources):
    from matcha.document_reader import DocumentReader

    return DocumentReader(resources)


def _ads():
    from store.records import AdIn

    return [AdIn.model_validate(json.loads(p.read_text(encoding="utf-8")))
            for p in sorted((ROOT / "examples" / "ads").glob("*.json"))]


def _same(got, want) -> None:
    assert got.kind == want.kind and got.card_json == want.card_json and got.contact == want.contact
    got_profile, want_profile = got.profile, want.profile
    assert got_profile.text == want_profile.text
    assert [s.uri for s in got_profile.skills] == [s.uri for s in want_profile.skills]
    assert [o.uri for o in got_profile.occupations] == [o.uri for o in want_profile.occupations]
    assert np.allclose(np.frombuffer(got.vector, np.float32), np.frombuffer(want.vector, np.float32), atol=1e-5)


def test_workers_read_ads_and_cvs_as_this_process_does(pool, reader):
    from matcha.document_reader import ExtractionJob

    jobs = [ExtractionJob.for_ad(ad) for ad in _ads()[:3]]
    jobs += [ExtractionJob.for_cv(text=SWEDISH_CV), ExtractionJob.for_cv(data=make_pdf(ENGLISH_CV.splitlines()))]
    futures = [pool.submit(job) for job in jobs]
    assert pool.pending == len(jobs) and pool.queued == len(jobs) - 2  # two being read, the rest waiting
    results = [f.result(timeout=300) for f in futures]
    assert pool.pending == 0 and pool.queued == 0
    for job, got in zip(jobs, results):
        _same(got, reader.read(job))
    welder_ad, welder_cv = results[0], results[3]
    assert welder_ad.kind == "ad" and welder_ad.card.essential and welder_ad.contact is None
    # A CV is masked before it is read: the name is kept apart, never in the profile.
    assert welder_cv.contact["name"] == "Ahmad Karimi" and "Karimi" not in welder_cv.profile.text
    assert welder_cv.profile.skills and len(welder_cv.vector) == 4 * reader.concepts.dim


def test_input_errors_keep_their_code_and_status_across_processes(pool):
    from extractor.errors import InputError
    from matcha.document_reader import ExtractionJob

    with pytest.raises(InputError) as empty:
        pool.submit(ExtractionJob.for_cv(data=b"  ")).result(timeout=60)
    assert (empty.value.code, empty.value.status) == ("empty_file", 422)
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    with pytest.raises(InputError) as image:
        pool.submit(ExtractionJob.for_cv(data=png)).result(timeout=60)
    assert image.value.status == 415 and "PDF, DOCX or text" in image.value.message


def test_imap_keeps_input_order_and_reports_bad_documents(pool):
    from extractor.errors import InputError
    from matcha.document_reader import ExtractionJob

    ads = _ads()
    items = [(i, ExtractionJob.for_ad(ad)) for i, ad in enumerate(ads)]
    items.insert(4, ("bad", ExtractionJob.for_cv(data=b"")))
    out = list(pool.imap(iter(items), window=3))
    assert [tag for tag, _ in out] == [tag for tag, _ in items]
    bad = dict(out)["bad"]
    assert isinstance(bad, InputError) and bad.code == "empty_file"
    titles = [json.loads(result.profile_json)["text"].split("\n")[0] for tag, result in out if tag != "bad"]
    assert titles == [ad.title for ad in ads]


def test_async_callers_await_one_document(pool):
    from matcha.document_reader import ExtractionJob

    async def two_at_once():
        return await asyncio.gather(pool.extract(ExtractionJob.for_cv(text=SWEDISH_CV)),
                                    pool.extract(ExtractionJob.for_cv(text=ENGLISH_CV)))

    swedish, english = asyncio.run(two_at_once())
    assert swedish.profile.language == "sv" and english.profile.language == "en"


def test_a_killed_worker_is_replaced_by_the_next_submit(pool):
    from matcha.document_reader import ExtractionJob

    victim = pool.worker_pids()[0]  # kill a worker as the OOM killer would
    doomed = pool.submit(ExtractionJob.for_cv(text=SWEDISH_CV))
    os.kill(victim, signal.SIGKILL)
    with pytest.raises(BrokenProcessPool):
        doomed.result(timeout=300)
    again = pool.submit(ExtractionJob.for_cv(text=SWEDISH_CV)).result(timeout=300)
    assert again.profile.skills and pool.pending == 0
