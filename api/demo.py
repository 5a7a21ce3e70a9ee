"""Demo data for `matcha serve --demo`: the example ads (owned by a demo recruiter), the example CVs (owned by a
demo participant), one programme (owned by a demo coordinator) with those CVs as participants, a handful of
mentors and placements, and one token per role, printed once."""

from __future__ import annotations

from pathlib import Path

from matcha.ad_files import expand_paths, read_ads
from matcha.matching import MatchingService
from matcha.programme_models import AdsIn, MentorIn, ParticipantsIn, PlacementIn, ProgrammeIn
from matcha.programme_service import ProgrammeService
from store.users import Users

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROLES = (("participant", "Demo deltagare"), ("recruiter", "Demo rekryterare"), ("coordinator", "Demo koordinator"),
         ("admin", "Demo admin"))
# Mentors by ESCO English preferred labels: (name, municipality, capacity, occupations, skills, languages).
MENTORS = (
    ("Karin, sjuksköterska", "Västerås", 2, ["nurse responsible for general care"],
     ["assist patients with special needs"], ["sv", "en"]),
    ("Ali, svetsare", "Örebro", 2, ["welder"],
     ["perform metal inert gas welding", "perform metal active gas welding", "read engineering drawings"],
     ["sv", "ar", "fa"]),
    ("Maria, undersköterska", "Örebro", 1, ["healthcare assistant"], ["assist patients with special needs"],
     ["sv", "es"]),
    ("Johan, lagerchef", "Kumla", 1, ["warehouse worker", "forklift operator"], [], ["sv"]),
)


def _load_programme(service: MatchingService, coordinator: str, cv_ids: list[int], ad_ids: list[int]) -> None:
    programmes = ProgrammeService(service)
    by_label = {(c.kind, c.label("en")): c.uri for c in service.resources.taxonomy.concepts.values()}
    programme = programmes.create(coordinator, ProgrammeIn(name="Yrkesmentor Örebro 2026", municipality="Örebro",
                                                           start="2026-01-12", end="2026-06-12"))
    programmes.add_participants(programme.id, coordinator, ParticipantsIn(cv_ids=cv_ids, cohort="2026 VT"))
    programmes.add_ads(programme.id, coordinator, AdsIn(ad_ids=ad_ids))
    for name, municipality, capacity, occupations, skills, languages in MENTORS:
        programmes.add_mentor(coordinator, MentorIn(
            programme_id=programme.id, name=name, municipality=municipality, capacity=capacity,
            occupations=[by_label[("occupation", o)] for o in occupations if ("occupation", o) in by_label],
            skills=[by_label[("skill", s)] for s in skills if ("skill", s) in by_label], languages=languages))
    welder, nurse = cv_ids
    welding_ad = next((a for a in service.get_ads(ad_ids).values() if a.title.startswith("Svetsare")), None)
    placements = [
        PlacementIn(cv_id=welder, kind="traineeship", employer="Bergslagens Mekaniska AB",
                    ad_id=welding_ad.id if welding_ad else None, start="2026-02-02", end="2026-05-29"),
        PlacementIn(cv_id=welder, kind="job", employer="Bergslagens Mekaniska AB",
                    occupation=by_label.get(("occupation", "welder")), start="2026-06-01"),
        PlacementIn(cv_id=nurse, kind="studies", employer="Mälardalens universitet", start="2026-08-24",
                    note="Kompletterande utbildning för sjuksköterskor"),
    ]
    for placement in placements:
        programmes.add_placement(coordinator, placement)


def load_demo(service: MatchingService) -> dict[str, str]:
    """Load the demo into an empty store; returns {role: token}."""
    users = Users(service.store)
    tokens = {}
    accounts = {}
    for role, name in ROLES:
        user, tokens[role] = users.add(name, role)
        accounts[role] = user
    ads = [ad for path in expand_paths([EXAMPLES / "ads"]) for ad in read_ads(path, service.extractor.limits, {})]
    ad_ids = service.add_ads(ads, owner=accounts["recruiter"].owner_key)
    cv_ids = []
    for cv, municipality in (("cv_sv_svetsare.txt", "Örebro"), ("cv_en_nurse.txt", "Västerås")):
        cv_ids.append(service.add_cv((EXAMPLES / cv).read_bytes(), owner=accounts["participant"].owner_key,
                                     municipality=municipality, consent_contact=cv.startswith("cv_sv")))
    _load_programme(service, accounts["coordinator"].owner_key, cv_ids, ad_ids)
    return tokens
