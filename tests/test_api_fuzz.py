"""The API fuzzed from its own OpenAPI document with schemathesis: every operation, with each role's token and
without one, positive and negative cases, and every check schemathesis has (no 5xx; status codes, content types,
headers and bodies as documented; invalid data refused, valid data accepted; 405 with a true Allow header; a
missing token not ignored). In-process against the real ASGI app on a scratch store with the demo data (real
model, taxonomy, SQLite, FAISS), no network. Bounded: MATCHA_FUZZ_EXAMPLES cases per operation and role in the
fuzzing phase (default 10), plus schemathesis's explicit examples and coverage cases; the same cases every run
unless MATCHA_FUZZ_RANDOM is set."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from api.app import create_app
from api.demo import load_demo
from core.settings import get_settings
from matcha.matching import MatchingService
from store.users import ROLES as USER_ROLES
from store.users import Users

ROLES = ("anonymous", *USER_ROLES)
EXAMPLES = int(os.environ.get("MATCHA_FUZZ_EXAMPLES", "10"))
RANDOM = bool(os.environ.get("MATCHA_FUZZ_RANDOM"))  # new cases each run (exploring), else the same every run
CASES: Counter = Counter()


MAX_BYTES = 200_000
# The app is made when the module is imported (its OpenAPI document needs no model); the `tokens` fixture gives
# it its service. The schema is read from the app's document, not through the app (which would start its
# lifespan, and with it a service on the default store, before the fixture).
APP = create_app(get_settings().model_copy(update={"max_file_bytes": MAX_BYTES, "api_pool": False}))
# Checks tuned per operation, none turned off everywhere:
# - a request the document allows may still be refused for what a document cannot say (a file's content; ESCO
#   URIs must be in the taxonomy, at least one of them): those statuses are documented for these operations, and
#   a schema-valid request must get one of them or a success ("valid data accepted");
# - a multipart form carries every value as text, so a type mutation of a form field (a number for a
#   municipality, null for the file: sent as the text "null") is a valid request on the wire: "invalid data
#   rejected" is not checked on the two upload forms (all other checks are; test_api.py sends them bad files).
UPLOAD = ["413", "415", "422"]
CONFIG = schemathesis.Config.from_dict({"operations": [
    {"include-path": path, "include-method": method,
     "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", *statuses]},
                "negative_data_rejection": {"enabled": statuses != UPLOAD}}}
    for path, method, statuses in (("/cvs", "POST", UPLOAD), ("/ads/file", "POST", UPLOAD),
                                   ("/candidates", "GET", ["422"]))]})
schema = schemathesis.openapi.from_dict(APP.openapi(), config=CONFIG)
schema.app = APP


@pytest.fixture(scope="module")
def tokens(resources, tmp_path_factory, request):
    settings_ = get_settings().model_copy(update={"data_dir": tmp_path_factory.mktemp("fuzz"), "database_url": "",
                                                  "max_file_bytes": MAX_BYTES, "upload_rate_per_minute": 0})
    service = MatchingService(settings_, resources)
    tokens = load_demo(service)
    APP.state.service, APP.state.users = service, Users(service.store)
    yield tokens
    by_status: Counter = Counter()
    for (_, _, status), n in CASES.items():
        by_status[status] += n
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\nAPI fuzzing: {sum(CASES.values())} requests ({len({op for _, op, _ in CASES})} operations x "
              f"{len(ROLES)} roles); by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items())))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_route_answers_as_documented(case, tokens):
    """Each generated case is sent once per role (no token, and each role of store/users.py); a case whose
    headers are the invalid part (the token left out, or a broken one) is sent as it was made."""
    header_negated = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    for role in ("anonymous",) if header_negated else ROLES:
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role in tokens else None
        response = case.call_and_validate(headers=headers)
        CASES[(role, case.operation.label, response.status_code)] += 1
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"detail", "code"} and isinstance(body["detail"], str) and body["code"], body
