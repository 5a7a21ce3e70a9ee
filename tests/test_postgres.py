"""The store on PostgreSQL: the same matching flow on a real server. Runs where MATCHA_TEST_DATABASE_URL names
one (e.g. postgresql+psycopg://matcha:matcha@127.0.0.1/matcha_test, with `pip install "psycopg[binary]"`);
skipped otherwise. The tables in that database are dropped and re-made."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SWEDISH_CV

URL = os.environ.get("MATCHA_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgresql"), reason="MATCHA_TEST_DATABASE_URL not set")


def test_matching_flow_on_postgresql(resources, tmp_path):
    from sqlalchemy import create_engine

    from matcha.matching import MatchingService
    from core.settings import get_settings
    from store.database import metadata
    from store.records import AdIn
    from store.users import Users

    engine = create_engine(URL)
    metadata.drop_all(engine)
    engine.dispose()
    settings = get_settings().model_copy(update={"data_dir": tmp_path, "database_url": URL})
    service = MatchingService(settings, resources)
    ids = service.add_ads([AdIn(title="Svetsare", municipality="Örebro", text="Krav:\n- MIG/MAG-svetsning"),
                           AdIn(title="Kock", municipality="Umeå", kind="traineeship", text="Krav:\n- Matlagning")])
    cv_id = service.add_cv(text=SWEDISH_CV, municipality="Örebro")
    matches = service.match(cv=service.get_cv(cv_id), k=2)
    assert matches[0].ad_id == ids[0] and matches[0].explanation.matched_skills
    assert [m.ad_id for m in service.match(cv=service.get_cv(cv_id), k=2, municipality="ÖREBRO")] == [ids[0]]
    assert service.candidates(ids[0], k=5)[0].cv_id == cv_id
    _, token = Users(service.store).add("pg", "recruiter")
    assert Users(service.store).by_token(token).role == "recruiter"
    assert service.remove_cv(cv_id) and service.get_cv(cv_id) is None
    assert service.store.generation("cvs") == 2
    restarted = MatchingService(settings, resources)
    assert set(restarted.collections["ads"].index.versions) == set(ids)
