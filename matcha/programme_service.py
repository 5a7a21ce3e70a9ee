"""Programmes as the CLI and the API use them: a coordinator's programmes, participants, partner ads, mentors,
mentor suggestions and the cohort-wide assignment, placements and outcomes.

Every method takes ``owner``: the coordinator's owner key, or None for an admin (or the command line). Anything of
another coordinator is "not found" (404): its existence is not disclosed. Bad input is an ``InputError`` (422,
409 for a conflict) raised before anything is written."""

from __future__ import annotations

import logging

import numpy as np
import pycountry

from extractor.errors import InputError
from extractor.skill_reviews import as_others_see
from index.isco import IscoGroups
from matcha.assignment import assign
from matcha.matching import MatchingService
from matcha.mentor_ranking import MentorRanker, MentorSide
from matcha.outcomes import by_cohort, participant_outcomes, summarise
from matcha.programme_models import (AdsIn, Assignment, LinkIn, Mentor, MentorIn, MentorMatch, Outcomes, Pair,
                                     Participant, ParticipantsIn, Placement, PlacementIn, Programme, ProgrammeIn)
from store.programmes import Conflict, Programmes

log = logging.getLogger(__name__)


def _mentor(row: dict) -> Mentor:
    return Mentor(**{k: row[k] for k in Mentor.model_fields})


class ProgrammeService:
    def __init__(self, matching: MatchingService) -> None:
        self.matching = matching
        self.taxonomy = matching.resources.taxonomy
        self.store = Programmes(matching.store)
        self.isco = IscoGroups(self.taxonomy, matching.concepts, matching.resources.encoder,
                               matching.settings.taxonomy_dir / "vectors")
        self.ranker = MentorRanker(self.taxonomy, matching.ranker, self.isco)

    # -- programmes ---------------------------------------------------------------------------------------------
    def _programme(self, programme_id: int, owner: str | None) -> dict:
        row = self.store.get(programme_id)
        if row is None or (owner is not None and row["owner"] != owner):
            raise InputError("not_found", f"no programme {programme_id}", 404)
        return row

    def _out(self, row: dict) -> Programme:
        return Programme(id=row["id"], name=row["name"], municipality=row["municipality"], start=row["start"],
                         end=row["end"], participants=len(self.store.participants(row["id"])),
                         mentors=len(self.store.mentors(row["id"])))

    def create(self, owner: str, body: ProgrammeIn) -> Programme:
        programme_id = self.store.add(owner, body.name.strip(), body.municipality.strip(), body.start.isoformat(),
                                      body.end.isoformat())
        return self.get(programme_id, owner)

    def get(self, programme_id: int, owner: str | None) -> Programme:
        return self._out(self._programme(programme_id, owner))

    def list(self, owner: str | None) -> list[Programme]:
        return [self._out(row) for row in self.store.list(owner)]

    def remove(self, programme_id: int, owner: str | None) -> None:
        self._programme(programme_id, owner)
        self.store.remove(programme_id)

    # -- participants and partner ads ---------------------------------------------------------------------------
    def add_participants(self, programme_id: int, owner: str | None, body: ParticipantsIn) -> list[Participant]:
        self._programme(programme_id, owner)
        missing = sorted(set(body.cv_ids) - set(self.matching.get_cvs(body.cv_ids)))
        if missing:
            raise InputError("unknown_cv", f"no CV {', '.join(map(str, missing[:10]))}")
        try:
            self.store.add_participants(programme_id, body.cv_ids, body.cohort.strip())
        except Conflict as exc:
            raise InputError("already_in_programme", str(exc), 409) from None
        return self.participants(programme_id, owner)

    def participants(self, programme_id: int, owner: str | None) -> list[Participant]:
        self._programme(programme_id, owner)
        members = self.store.participants(programme_id)
        cvs = self.matching.get_cvs([m["cv_id"] for m in members])
        return [Participant(cv_id=m["cv_id"], cohort=m["cohort"], municipality=cvs[m["cv_id"]].municipality,
                            profile=as_others_see(cvs[m["cv_id"]].profile),
                            contact=cvs[m["cv_id"]].contact if cvs[m["cv_id"]].consent_contact else None)
                for m in members if m["cv_id"] in cvs]

    def remove_participant(self, programme_id: int, owner: str | None, cv_id: int) -> None:
        self._programme(programme_id, owner)
        if not self.store.remove_participant(programme_id, cv_id):
            raise InputError("not_found", f"no participant {cv_id} in programme {programme_id}", 404)

    def add_ads(self, programme_id: int, owner: str | None, body: AdsIn) -> list[dict]:
        self._programme(programme_id, owner)
        missing = sorted(set(body.ad_ids) - set(self.matching.get_ads(body.ad_ids)))
        if missing:
            raise InputError("unknown_ad", f"no ad {', '.join(map(str, missing[:10]))}")
        self.store.add_ads(programme_id, body.ad_ids)
        return self.ads(programme_id, owner)

    def ads(self, programme_id: int, owner: str | None) -> list[dict]:
        self._programme(programme_id, owner)
        ads = self.matching.get_ads(self.store.ad_ids(programme_id))
        return [{"id": a.id, "title": a.title, "employer": a.employer, "kind": a.kind,
                 "municipality": a.municipality} for a in ads.values()]

    # -- mentors ------------------------------------------------------------------------------------------------
    def _check_concepts(self, uris: list[str], kind: str) -> None:
        wrong = [u for u in uris if (c := self.taxonomy.get(u)) is None or c.kind != kind]
        if wrong:
            raise InputError("unknown_concept", f"not an ESCO {kind} in the taxonomy: {', '.join(wrong[:5])}")

    @staticmethod
    def _check_languages(codes: list[str]) -> list[str]:
        clean = [c.strip().lower() for c in codes]
        wrong = [c for c in clean if len(c) != 2 or pycountry.languages.get(alpha_2=c) is None]
        if wrong:
            raise InputError("unknown_language", f"not an ISO 639-1 language code: {', '.join(wrong[:5])}")
        return list(dict.fromkeys(clean))

    def add_mentor(self, owner: str | None, body: MentorIn) -> Mentor:
        self._programme(body.programme_id, owner)
        self._check_concepts(body.occupations, "occupation")
        self._check_concepts(body.skills, "skill")
        languages = self._check_languages(body.languages)
        occupations, skills, profile_json = list(body.occupations), list(body.skills), None
        if body.text.strip():
            profile, _ = self.matching.cv_profile(text=body.text)
            occupations += [o.uri for o in profile.occupations]
            skills += [s.uri for s in profile.skills]
            languages += [lang.language for lang in profile.languages]
            profile_json = profile.model_dump_json()
        mentor_id = self.store.add_mentor(body.programme_id, body.name.strip(), body.municipality.strip(),
                                          body.capacity, list(dict.fromkeys(occupations)),
                                          list(dict.fromkeys(skills)), list(dict.fromkeys(languages)), profile_json)
        return self.mentor(mentor_id, owner)

    def _mentor_row(self, mentor_id: int, owner: str | None) -> dict:
        row = self.store.mentor(mentor_id)
        if row is None:
            raise InputError("not_found", f"no mentor {mentor_id}", 404)
        try:
            self._programme(row["programme_id"], owner)
        except InputError:
            raise InputError("not_found", f"no mentor {mentor_id}", 404) from None
        return row

    def mentor(self, mentor_id: int, owner: str | None) -> Mentor:
        return _mentor(self._mentor_row(mentor_id, owner))

    def mentors(self, owner: str | None, programme_id: int | None = None) -> list[Mentor]:
        if programme_id is not None:
            self._programme(programme_id, owner)
            return [_mentor(r) for r in self.store.mentors(programme_id)]
        mine = [p["id"] for p in self.store.list(owner)]
        return [_mentor(r) for r in self.store.mentors(programme_ids=mine)]

    def remove_mentor(self, mentor_id: int, owner: str | None) -> None:
        self._mentor_row(mentor_id, owner)
        self.store.remove_mentor(mentor_id)

    # -- suggestions and assignment -----------------------------------------------------------------------------
    def _sides(self, programme_id: int) -> list[MentorSide]:
        return [self.ranker.side(_mentor(r), r["profile"]) for r in self.store.mentors(programme_id)]

    def _member(self, programme_id: int, cv_id: int):  # noqa: ANN202 - Cv
        cv = self.matching.get_cv(cv_id)
        if cv is None or self.store.programme_of(cv_id) != programme_id:
            raise InputError("not_found", f"no participant {cv_id} in programme {programme_id}", 404)
        return cv

    def _ranked(self, cv, sides: list[MentorSide]) -> list[MentorMatch]:  # noqa: ANN001 - Cv
        vector = self.matching._stored_vector("cvs", cv.id, cv.card, cv.profile.text)
        return self.ranker.rank(cv, vector, sides)

    def suggestions(self, programme_id: int, owner: str | None, cv_id: int, top: int = 10) -> list[MentorMatch]:
        """The programme's mentors for one participant, best first, each explained."""
        self._programme(programme_id, owner)
        return self._ranked(self._member(programme_id, cv_id), self._sides(programme_id))[:top]

    def set_link(self, programme_id: int, owner: str | None, body: LinkIn) -> Assignment:
        self._programme(programme_id, owner)
        self._member(programme_id, body.cv_id)
        mentor = self.store.mentor(body.mentor_id)
        if mentor is None or mentor["programme_id"] != programme_id:
            raise InputError("not_found", f"no mentor {body.mentor_id} in programme {programme_id}", 404)
        links = self.store.links(programme_id)
        if body.status == "pinned":
            taken = sum(1 for link in links if link["mentor_id"] == body.mentor_id and link["status"] == "pinned"
                        and link["cv_id"] != body.cv_id)
            if taken >= mentor["capacity"]:
                raise InputError("mentor_full", f"mentor {body.mentor_id} has no free place for another pinned "
                                                f"adept (capacity {mentor['capacity']})", 409)
            for link in links:  # one pinned mentor per participant: a new pin replaces the old one
                if link["cv_id"] == body.cv_id and link["status"] != "forbidden":
                    self.store.set_link(programme_id, body.cv_id, link["mentor_id"], None)
        self.store.set_link(programme_id, body.cv_id, body.mentor_id, None if body.status == "none" else body.status)
        return self.assignment(programme_id, owner)

    def run_assignment(self, programme_id: int, owner: str | None) -> Assignment:
        """Score every participant against every mentor and solve for the largest total under the capacities,
        keeping pinned pairs and never making a forbidden one; the result replaces the last run's."""
        self._programme(programme_id, owner)
        members = [m["cv_id"] for m in self.store.participants(programme_id)]
        cvs = self.matching.get_cvs(members)
        members = [c for c in members if c in cvs]
        sides = self._sides(programme_id)
        column = {side.mentor.id: j for j, side in enumerate(sides)}
        row = {cv_id: i for i, cv_id in enumerate(members)}
        scores = np.zeros((len(members), len(sides)))
        for cv_id in members:
            for match in self._ranked(cvs[cv_id], sides):
                scores[row[cv_id], column[match.mentor_id]] = match.score
        links = [link for link in self.store.links(programme_id) if link["cv_id"] in row]
        pinned = {row[link["cv_id"]]: column[link["mentor_id"]] for link in links if link["status"] == "pinned"}
        forbidden = {(row[link["cv_id"]], column[link["mentor_id"]]) for link in links
                     if link["status"] == "forbidden"}
        pairs = assign(scores, [side.mentor.capacity for side in sides], pinned, forbidden)
        self.store.replace_assignment(programme_id, [(members[i], sides[j].mentor.id, float(scores[i, j]))
                                                     for i, j in pairs])
        return self.assignment(programme_id, owner)

    def assignment(self, programme_id: int, owner: str | None) -> Assignment:
        """The pairs as they stand: pinned ones and the last run's."""
        self._programme(programme_id, owner)
        names = {m["id"]: m["name"] for m in self.store.mentors(programme_id)}
        links = self.store.links(programme_id)
        pairs = [Pair(cv_id=link["cv_id"], mentor_id=link["mentor_id"], mentor_name=names[link["mentor_id"]],
                      score=link["score"] or 0.0, status=link["status"])
                 for link in links if link["status"] in ("pinned", "assigned")]
        paired = {p.cv_id for p in pairs}
        members = [m["cv_id"] for m in self.store.participants(programme_id)]
        return Assignment(total=round(sum(p.score for p in pairs), 4), pairs=pairs,
                          unassigned=[c for c in members if c not in paired],
                          forbidden=[(link["cv_id"], link["mentor_id"]) for link in links
                                     if link["status"] == "forbidden"])

    # -- placements and outcomes --------------------------------------------------------------------------------
    def add_placement(self, owner: str | None, body: PlacementIn) -> Placement:
        programme_id = self.store.programme_of(body.cv_id)
        if programme_id is None:
            raise InputError("not_a_participant", f"CV {body.cv_id} is not a participant of a programme", 404)
        try:
            self._programme(programme_id, owner)
        except InputError:
            raise InputError("not_a_participant", f"CV {body.cv_id} is not a participant of a programme",
                             404) from None
        occupation = (body.occupation or "").strip() or None
        if occupation:
            self._check_concepts([occupation], "occupation")
        if body.ad_id is not None:
            ad = self.matching.get_ad(body.ad_id)
            if ad is None:
                raise InputError("unknown_ad", f"no ad {body.ad_id}")
            occupation = occupation or next(iter(ad.card.occupations), None)
        employer = body.employer.strip() or (ad.employer if body.ad_id is not None else "")
        placement_id = self.store.add_placement({
            "programme_id": programme_id, "cv_id": body.cv_id, "kind": body.kind, "employer": employer,
            "ad_id": body.ad_id, "occupation": occupation, "start": body.start.isoformat(),
            "end": body.end.isoformat() if body.end else None, "note": body.note.strip()})
        return Placement(**self.store.placement(placement_id))

    def placements(self, owner: str | None, programme_id: int | None = None) -> list[Placement]:
        if programme_id is not None:
            self._programme(programme_id, owner)
            return [Placement(**row) for row in self.store.placements(programme_id)]
        mine = [p["id"] for p in self.store.list(owner)]
        return [Placement(**row) for row in self.store.placements(programme_ids=mine)]

    def remove_placement(self, placement_id: int, owner: str | None) -> None:
        row = self.store.placement(placement_id)
        try:
            if row is None:
                raise InputError("not_found", "", 404)
            self._programme(row["programme_id"], owner)
        except InputError:
            raise InputError("not_found", f"no placement {placement_id}", 404) from None
        self.store.remove_placement(placement_id)

    def same_group(self, a: str, b: str) -> bool:
        group = self.isco.unit_group(a)
        return group is not None and group == self.isco.unit_group(b)

    def outcomes(self, programme_id: int, owner: str | None) -> Outcomes:
        self._programme(programme_id, owner)
        members = self.store.participants(programme_id)
        cvs = self.matching.get_cvs([m["cv_id"] for m in members])
        members = [m for m in members if m["cv_id"] in cvs]
        own = {cv_id: cv.card.occupations for cv_id, cv in cvs.items()}

        def label(uri: str) -> str | None:
            concept = self.taxonomy.get(uri)
            return concept.label("en") if concept else None

        found = participant_outcomes(members, self.store.placements(programme_id), own, self.same_group, label)
        return Outcomes(programme_id=programme_id, cohorts=by_cohort(found), total=summarise("", found),
                        participants=found, isco_derived=self.isco.derived)
