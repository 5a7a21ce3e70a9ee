"""Demo data for `matcha serve --demo`: the example ads (owned by a demo recruiter), the example CVs (owned by a
demo participant) and one token per role, printed once."""

from __future__ import annotations

from pathlib import Path

from matcha.ad_files import expand_paths, read_ads
from matcha.matching import MatchingService
from store.users import Users

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_demo(service: MatchingService) -> dict[str, str]:
    """Load the demo into an empty store; returns {role: token}."""
    users = Users(service.store)
    tokens = {}
    accounts = {}
    for role, name in (("participant", "Demo deltagare"), ("recruiter", "Demo rekryterare"), ("admin", "Demo admin")):
        user, tokens[role] = users.add(name, role)
        accounts[role] = user
    ads = [ad for path in expand_paths([EXAMPLES / "ads"]) for ad in read_ads(path, service.extractor.limits, {})]
    service.add_ads(ads, owner=accounts["recruiter"].owner_key)
    for cv, municipality in (("cv_sv_svetsare.txt", "Örebro"), ("cv_en_nurse.txt", "Västerås")):
        service.add_cv((EXAMPLES / cv).read_bytes(), owner=accounts["participant"].owner_key,
                       municipality=municipality, consent_contact=cv.startswith("cv_sv"))
    return tokens
