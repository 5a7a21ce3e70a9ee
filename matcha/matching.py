"""The matching service that the CLI and the API share: documents in (ads, CVs), ranked explained matches out.

upload -> text -> masked text (CVs) -> profile -> card + concept vector + whole-text vector -> store -> indexes
(concept and text vectors: FAISS or pgvector; BM25) -> hybrid retrieval fused by reciprocal rank -> re-rank
-> explain."""

from __future__ import annotations

import json
import logging
import threading
from typing import Iterable

import numpy as np
from tqdm import tqdm

from extractor.errors import InputError
from extractor.profile import CompetenceProfile
from extractor.resources import Resources, load_resources
from extractor.skill_reviews import Verdict, review_skill
from index.cards import ConceptVectors, card_vector, cv_card
from index.backends import open_collection
from index.explain import Candidate, Match, explain
from index.hybrid import HybridRetriever, Pool, Query, embed_text
from index.lexical import LexicalCollection
from index.rerank import Ranker, Scored
from index.search_types import SearchFilter
from index.regions import municipalities_in
from index.specificity import CollectionSpecificity
from core.settings import Settings, get_settings
from models.encoders import model_slug
from store.database import Store, encode_vector
from store.records import Ad, AdIn, Cv, MatchCard
from matcha.document_reader import DocumentReader, Extracted, ad_row, ad_text  # noqa: F401 - ad_text: callers import it here

log = logging.getLogger(__name__)
_REVIEW_TRIES = 5  # read-modify-write attempts of a skill review before the client is told to retry
BACKFILL_AT_START = 2_000  # documents without a whole-text vector given one at start; more: `matcha text-vectors`


class MatchingService:
    def __init__(self, settings: Settings | None = None, resources: Resources | None = None,
                 backfill: bool = True) -> None:
        self.settings = settings or get_settings()
        self.resources = resources or load_resources(self.settings)
        # Extraction runs one document at a time (spaCy and the model are CPU-bound and not shared across
        # threads); retrieval and ranking run concurrently.
        self._extract_lock = threading.Lock()
        self.store = Store(self.settings.store_url)
        self.concepts = ConceptVectors(self.resources.skill_index, self.resources.occupation_index)
        self.reader = DocumentReader(self.resources, self.concepts)  # extraction + card + vector, in this process
        self.extractor = self.reader.extractor
        self.ranker = Ranker(self.resources.taxonomy, self.concepts, self.settings.ranking)
        model = model_slug(self.settings.model, 40)
        self.collections = {name: open_collection(self.settings, self.store, name, self.concepts.dim, model)
                            for name in ("ads", "cvs")}
        # Whole-text vectors (the masked text embedded by the multilingual model: DocumentReader.text_vector),
        # on the same back-end as the concept vectors: shared by every process on PostgreSQL.
        text_model, text_dim = model_slug(self.reader.text_encoder.name, 40), self.reader.text_encoder.dim
        for name in ("ads_text", "cvs_text"):
            self.collections[name] = open_collection(self.settings, self.store, name, text_dim, text_model)
        self.lexical = {name: LexicalCollection(self.store, name) for name in ("ads", "cvs")}
        self.retrievers = {name: HybridRetriever(self.collections[name], self.lexical[name],
                                                 self.collections[f"{name}_text"], self.settings.ranking)
                           for name in ("ads", "cvs")}
        self.specificity = CollectionSpecificity(self.store)
        if backfill:
            self.backfill_text_vectors(limit=BACKFILL_AT_START)

    def backfill_text_vectors(self, limit: int | None = None, progress: bool = False) -> int:
        """Give documents stored before hybrid matching their whole-text vector; the number given. With ``limit``
        (at start), a collection with more documents lacking one is left for ``matcha text-vectors`` (embedding
        takes about 0.1 CPU-s a document) and their text channel is empty meanwhile."""
        done = 0
        for name in ("ads", "cvs"):
            missing = self.store.ids_without(f"{name}_text")  # type: ignore[arg-type]
            if limit is not None and len(missing) > limit:
                log.warning("%s: %d documents have no whole-text vector, so the text channel of retrieval misses "
                            "them: run `matcha text-vectors` to add them", name, len(missing))
                continue
            with tqdm(total=len(missing), desc=f"text vectors ({name})", unit="doc", disable=not progress) as bar:
                for start in range(0, len(missing), 200):
                    chunk = missing[start:start + 200]
                    for row in self.store.get_many(name, chunk):
                        text = json.loads(row["profile"]).get("text", "")
                        self.store.update(name, row["id"], {"text_vector": self.reader.text_vector(text)})
                    bar.update(len(chunk))
            if missing:
                log.info("%s: whole-text vectors added to %d documents", name, len(missing))
                self._sync(name)
                done += len(missing)
        return done

    def _sync(self, name: str) -> None:
        for collection in (name, f"{name}_text"):
            self.collections[collection].sync()

    # -- documents -> rows ------------------------------------------------------------------------------------
    def _vector(self, card: MatchCard, text: str) -> np.ndarray:
        return self.reader.vector(card, text)

    def _stored_vector(self, collection: str, item_id: int, card: MatchCard, text: str) -> np.ndarray:
        """The vector stored with a document (computed again only if it was removed meanwhile)."""
        ids, vectors, _ = self.store.vectors(collection, [item_id], self.concepts.dim)
        return vectors[0] if ids else self._vector(card, text)

    def _ad_row(self, ad: AdIn) -> dict:
        return ad_row(ad, self.read_ad(ad))

    def read_ad(self, ad: AdIn) -> Extracted:
        with self._extract_lock:
            return self.reader.ad(ad)

    def cv_profile(self, data: bytes | None = None, text: str | None = None) -> tuple[CompetenceProfile, dict]:
        """Read a CV, mask its personal details, extract the profile from the masked text."""
        extracted = self.read_cv(data, text)
        return extracted.profile, extracted.contact or {}

    def read_cv(self, data: bytes | None = None, text: str | None = None) -> Extracted:
        text = self.reader.cv_text(data, text)  # parsing runs outside the lock (in a child process)
        with self._extract_lock:
            return self.reader.cv(text=text)

    # -- ads --------------------------------------------------------------------------------------------------
    def add_ads(self, ads: Iterable[AdIn], owner: str | None = None, progress: bool = False,
                batch: int = 200) -> list[int]:
        """Extract, store and index ads; stored in batches (one transaction each) so a long run keeps what it did."""
        from tqdm import tqdm

        ads = list(ads)
        ids: list[int] = []
        rows: list[dict] = []
        for ad in tqdm(ads, desc="ads", unit="ad", disable=not progress):
            rows.append({**self._ad_row(ad), "owner": owner})
            if len(rows) >= batch:
                ids += self.store.add("ads", rows)
                rows = []
        if rows:
            ids += self.store.add("ads", rows)
        self._sync("ads")
        return ids

    def update_ad(self, ad_id: int, ad: AdIn) -> bool:
        return self.replace_ad(ad_id, ad, self.read_ad(ad))

    def store_ad(self, ad: AdIn, extracted: Extracted, owner: str | None = None) -> int:
        """Store and index one ad read here or by the extraction pool."""
        [ad_id] = self.store.add("ads", [{**ad_row(ad, extracted), "owner": owner}])
        self._sync("ads")
        return ad_id

    def replace_ad(self, ad_id: int, ad: AdIn, extracted: Extracted) -> bool:
        """Replace a stored ad's fields and extraction; its index entry is updated in place."""
        done = self.store.update("ads", ad_id, ad_row(ad, extracted))
        self._sync("ads")
        return done

    def remove_ad(self, ad_id: int) -> bool:
        done = self.store.remove("ads", ad_id)
        self._sync("ads")
        return done

    def get_ad(self, ad_id: int) -> Ad | None:
        return self.get_ads([ad_id]).get(ad_id)

    def get_ads(self, ad_ids: list[int]) -> dict[int, Ad]:
        return {row["id"]: _ad(row) for row in self.store.get_many("ads", ad_ids)}

    def list_ads(self, owner: str | None = None) -> list[dict]:
        return self.store.list("ads", owner=owner)

    # -- CVs --------------------------------------------------------------------------------------------------
    def add_cv(self, data: bytes | None = None, text: str | None = None, owner: str | None = None,
               municipality: str = "", consent_contact: bool = False) -> int:
        return self.store_cv(self.read_cv(data, text), owner, municipality, consent_contact)

    def store_cv(self, extracted: Extracted, owner: str | None = None, municipality: str = "",
                 consent_contact: bool = False) -> int:
        """Store and index a CV read here or by the extraction pool."""
        [cv_id] = self.store.add("cvs", [{
            "owner": owner, "municipality": municipality.strip(), "profile": extracted.profile_json,
            "card": extracted.card_json, "vector": extracted.vector, "text_vector": extracted.text_vector,
            "contact": json.dumps(extracted.contact or {}), "consent_contact": consent_contact}])
        self._sync("cvs")
        return cv_id

    def list_cvs(self, owner: str | None = None) -> list[dict]:
        return self.store.list("cvs", owner=owner)

    def set_consent(self, cv_id: int, consent: bool) -> bool:
        return self.store.update("cvs", cv_id, {"consent_contact": consent})

    def review_skill(self, cv_id: int, uri: str, verdict: Verdict) -> Cv | None:
        """The participant's verdict on one of their CV's skills (``extractor.skill_reviews``): the profile, card and
        concept vector change together, so matching and candidate lists follow at once (None: no such CV). A
        change made meanwhile by another request is read again, not overwritten."""
        for _ in range(_REVIEW_TRIES):
            row = self.store.get("cvs", cv_id)
            if row is None:
                return None
            profile = review_skill(CompetenceProfile.model_validate_json(row["profile"]), uri, verdict)
            card = cv_card(profile)
            values = {"profile": profile.model_dump_json(), "card": card.model_dump_json(),
                      "vector": encode_vector(self._vector(card, profile.text))}
            if self.store.update("cvs", cv_id, values, expected_version=row["version"]):
                self._sync("cvs")
                return _cv({**row, **values})  # what was just written: no second read
        raise InputError("busy", "the profile is being changed by another request: try again", 409)

    def remove_cv(self, cv_id: int) -> bool:
        done = self.store.remove("cvs", cv_id)
        self._sync("cvs")
        return done

    def get_cv(self, cv_id: int) -> Cv | None:
        return self.get_cvs([cv_id]).get(cv_id)

    def get_cvs(self, cv_ids: list[int]) -> dict[int, Cv]:
        return {row["id"]: _cv(row) for row in self.store.get_many("cvs", cv_ids)}

    # -- matching ---------------------------------------------------------------------------------------------
    def _query(self, collection: str, item_id: int | None, card: MatchCard, profile: CompetenceProfile) -> Query:
        """A stored document (its stored vectors) or a profile made on the fly as a query."""
        if item_id is not None:
            vector = self._stored_vector(collection, item_id, card, profile.text)
            ids, texts, _ = self.store.vectors(f"{collection}_text", [item_id], self.reader.text_encoder.dim)  # type: ignore[arg-type]
            text_vector = texts[0] if ids else None
        else:
            vector = self._vector(card, profile.text) if profile.text else card_vector(card, self.concepts)
            text_vector = embed_text(self.reader.text_encoder, profile.text) if profile.text else None
        return Query(vector, profile.text, profile.language, text_vector)

    def _pool(self, collection: str, query: Query, k: int, kind: str | None, municipality: str | None,
              region: str | None) -> tuple[Pool, dict[int, MatchCard]]:
        places = municipalities_in(region) if region else None
        where = SearchFilter(kind, municipality, tuple(places) if places else None)
        depth = max(self.settings.ranking.retrieve, 5 * k)
        pool = self.retrievers[collection].retrieve(query, depth, where or None)
        rows = self.store.cards(collection, pool.ids)  # type: ignore[arg-type]
        return pool, {i: MatchCard(**rows[i]["card"]) for i in pool.ids if i in rows}

    def _semantic(self, collection: str, query: np.ndarray, query_card: MatchCard,
                  cards: dict[int, MatchCard], weigh) -> dict[int, float]:  # noqa: ANN001 - Specificity
        """Cosine of concept vectors with today's specificity (stored vectors carry the weights of the day they
        were written); a document without concepts keeps its stored (text) vector."""
        mine = card_vector(query_card, self.concepts, weigh)
        query = mine if mine is not None else query
        sims, fallback = {}, []
        for i, card in cards.items():
            vector = card_vector(card, self.concepts, weigh)
            if vector is None:
                fallback.append(i)
            else:
                sims[i] = float(vector @ query)
        if fallback:
            ids, vectors, _ = self.store.vectors(collection, fallback, self.concepts.dim)  # type: ignore[arg-type]
            sims.update({i: float(v @ query) for i, v in zip(ids, vectors)})
        return sims

    def _scored(self, collection: str, query: Query, query_card: MatchCard, k: int, kind: str | None = None,
                municipality: str | None = None, region: str | None = None) -> list[Scored]:
        """Hybrid retrieval in ``collection``, then re-ranking: the best ``k``, scored, without explanations.
        For ads the query card is the CV's side; for CVs it plays the part of the ad."""
        pool, cards = self._pool(collection, query, k, kind, municipality, region)
        weigh = self.specificity.current()
        semantic = self._semantic(collection, query.vector, query_card, cards, weigh)
        if collection == "ads":
            side = self.ranker.side(query_card)
            scored = [self.ranker.score(i, c, side, semantic.get(i, 0.0), pool.fused[i], weigh)
                      for i, c in cards.items()]
        else:
            scored = [self.ranker.score(i, query_card, c, semantic.get(i, 0.0), pool.fused[i], weigh)
                      for i, c in cards.items()]
        return _top(scored, k)

    def ranked_ads(self, cv: Cv | None = None, profile: CompetenceProfile | None = None, k: int = 10,
                   kind: str | None = None, municipality: str | None = None,
                   region: str | None = None) -> list[Scored]:
        """Scored ads, best first, for a stored CV or a profile (what ``match`` explains)."""
        if cv is not None:
            return self._scored("ads", self._query("cvs", cv.id, cv.card, cv.profile), cv.card, k, kind,
                                municipality, region)
        if profile is None:
            raise ValueError("match needs a CV or a profile")
        card = cv_card(profile)
        return self._scored("ads", self._query("", None, card, profile), card, k, kind, municipality, region)

    def match(self, cv: Cv | None = None, profile: CompetenceProfile | None = None, k: int = 10,
              kind: str | None = None, municipality: str | None = None, region: str | None = None) -> list[Match]:
        """Ranked, explained ads for a stored CV (``cv``) or for a profile extracted on the fly (``profile``)."""
        top = self.ranked_ads(cv, profile, k, kind, municipality, region)
        profile = cv.profile if cv is not None else profile
        assert profile is not None
        ads = self.get_ads([s.item_id for s in top])
        results = []
        for s in top:
            ad = ads.get(s.item_id)
            if ad is None:  # removed meanwhile
                continue
            results.append(Match(ad_id=ad.id, title=ad.title, employer=ad.employer, kind=ad.kind,
                                 municipality=ad.municipality, score=s.score,
                                 explanation=explain(s, ad.profile, profile, self.resources.taxonomy)))
        return results

    def candidates(self, ad_id: int, k: int = 10, municipality: str | None = None, with_contact: bool = False,
                   region: str | None = None) -> list[Candidate] | None:
        """Ranked, anonymised CVs for an ad (None if there is no such ad). Contact details only where the
        participant consented and ``with_contact`` is set."""
        ad = self.get_ad(ad_id)
        if ad is None:
            return None
        top = self._scored("cvs", self._query("ads", ad_id, ad.card, ad.profile), ad.card, k, None, municipality,
                           region)
        return self._candidates(top, ad.profile, with_contact)

    def ranked_similar_cvs(self, cv: Cv, k: int = 10, municipality: str | None = None,
                           region: str | None = None) -> list[Scored]:
        """Other CVs scored by how alike their competence is to this CV's, best first. The CV's skills play the
        part of an ad's requirements; its languages and licences are no requirements."""
        query = self._query("cvs", cv.id, cv.card, cv.profile)
        query.exclude = cv.id
        card = MatchCard(essential=cv.card.essential, occupations=cv.card.occupations)
        return self._scored("cvs", query, card, k, None, municipality, region)

    def similar_cvs(self, cv_id: int, k: int = 10, municipality: str | None = None,
                    region: str | None = None) -> list[Candidate] | None:
        """Other CVs ranked and explained like a recruiter's candidates (None if there is no such CV); no
        contact details."""
        cv = self.get_cv(cv_id)
        if cv is None:
            return None
        return self._candidates(self.ranked_similar_cvs(cv, k, municipality, region), cv.profile, False)

    def search_candidates(self, skills: list[str], occupations: list[str], k: int = 10,
                          municipality: str | None = None, with_contact: bool = False,
                          region: str | None = None) -> list[Candidate]:
        """CVs ranked by ESCO skills (all essential) and occupations: a recruiter's search by competence."""
        known = self.resources.taxonomy.concepts
        unknown = [u for u in (*skills, *occupations) if u not in known]
        if unknown:
            raise InputError("unknown_concept", f"not in the taxonomy: {', '.join(unknown[:5])}")
        if not skills and not occupations:
            raise InputError("empty_query", "give at least one skill or occupation")
        card = MatchCard(essential=list(dict.fromkeys(skills)), occupations=list(dict.fromkeys(occupations)))
        query = CompetenceProfile(language="en", language_confidence=1.0, text="")
        top = self._scored("cvs", self._query("", None, card, query), card, k, None, municipality, region)
        return self._candidates(top, query, with_contact)

    def _candidates(self, top: list[Scored], profile: CompetenceProfile, with_contact: bool) -> list[Candidate]:
        cvs = self.get_cvs([s.item_id for s in top])
        results = []
        for s in top:
            cv = cvs.get(s.item_id)
            if cv is None:
                continue
            contact = cv.contact if (with_contact and cv.consent_contact) else None
            results.append(Candidate(cv_id=cv.id, municipality=cv.municipality, score=s.score, contact=contact,
                                     explanation=explain(s, profile, cv.profile, self.resources.taxonomy)))
        return results


def _ad(row: dict) -> Ad:
    return Ad(id=row["id"], owner=row["owner"], title=row["title"], employer=row["employer"], kind=row["kind"],
              municipality=row["municipality"], profile=CompetenceProfile.model_validate_json(row["profile"]),
              card=MatchCard.model_validate_json(row["card"]))


def _cv(row: dict) -> Cv:
    return Cv(id=row["id"], owner=row["owner"], municipality=row["municipality"],
              profile=CompetenceProfile.model_validate_json(row["profile"]),
              card=MatchCard.model_validate_json(row["card"]), contact=json.loads(row["contact"]),
              consent_contact=bool(row["consent_contact"]))


def _top(scored: list[Scored], k: int) -> list[Scored]:
    return sorted(scored, key=lambda s: (-s.score, s.item_id))[:k]
