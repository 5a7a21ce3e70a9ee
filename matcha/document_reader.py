"""One document in, what the store and the index need out: the competence profile, the match card, the concept
vector, the whole-text vector (the masked text embedded by the multilingual model, for hybrid matching) and, for a
CV, the contact details kept apart from the masked text.

The same code runs in the service's own process and in the extraction pool's worker processes
(``matcha/extraction_pool.py``), so a document gives the same row either way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from extractor.anonymise import mask_personal_details
from extractor.documents import read_document
from extractor.errors import InputError
from extractor.pipeline import CompetenceExtractor
from extractor.profile import CompetenceProfile
from extractor.resources import Resources
from index.cards import ConceptVectors, ad_card, card_vector, cv_card
from index.hybrid import embed_text
from store.database import encode_vector
from store.records import AdIn, MatchCard

DocumentKind = Literal["ad", "cv"]


def ad_text(ad: AdIn) -> str:
    """The ad as one text: title, body, and the requirement lists as 'Krav' / 'Meriterande' sections."""
    parts = [ad.title.strip(), ad.text.strip()]
    if ad.essential:
        parts.append("Krav:\n" + "\n".join(f"- {item.strip()}" for item in ad.essential))
    if ad.nice_to_have:
        parts.append("Meriterande:\n" + "\n".join(f"- {item.strip()}" for item in ad.nice_to_have))
    return "\n\n".join(p for p in parts if p)


@dataclass(frozen=True)
class ExtractionJob:
    """One document to read: an ad (``ad``), or a CV as file bytes (``data``) or text (``text``)."""

    kind: DocumentKind
    ad: AdIn | None = None
    data: bytes | None = None
    text: str | None = None

    @classmethod
    def for_ad(cls, ad: AdIn) -> "ExtractionJob":
        return cls("ad", ad=ad)

    @classmethod
    def for_cv(cls, data: bytes | None = None, text: str | None = None) -> "ExtractionJob":
        return cls("cv", data=data, text=text)


@dataclass(frozen=True)
class Extracted:
    """What extraction gives, in the form the store keeps (JSON text and float32 bytes): cheap to send between
    processes and written as is."""

    kind: DocumentKind
    profile_json: str
    card_json: str
    vector: bytes
    contact: dict[str, str | None] | None = None  # CVs only: the details masked out of the text
    text_vector: bytes | None = None  # the masked text embedded (index.hybrid)

    @property
    def profile(self) -> CompetenceProfile:
        return CompetenceProfile.model_validate_json(self.profile_json)

    @property
    def card(self) -> MatchCard:
        return MatchCard.model_validate_json(self.card_json)


def ad_row(ad: AdIn, extracted: Extracted) -> dict:
    """The store row of an ad and its extraction."""
    return {"title": ad.title.strip(), "employer": ad.employer.strip(), "kind": ad.kind,
            "municipality": ad.municipality.strip(), "profile": extracted.profile_json, "card": extracted.card_json,
            "vector": extracted.vector, "text_vector": extracted.text_vector}


class DocumentReader:
    """Extraction plus what matching needs of its result. Not thread-safe (spaCy, the models): one document at a
    time per reader."""

    def __init__(self, resources: Resources, concepts: ConceptVectors | None = None) -> None:
        self.resources = resources
        self.extractor = CompetenceExtractor(resources)
        self.concepts = concepts or ConceptVectors(resources.skill_index, resources.occupation_index)
        # The model of non-English text (multilingual-e5-small by default) reads whole texts: Swedish and
        # English documents meet.
        self.text_encoder = resources.reader("sv").encoder

    def vector(self, card: MatchCard, text: str) -> np.ndarray:
        vector = card_vector(card, self.concepts)
        if vector is None:  # no concept found: the (masked) text itself
            vector = self.resources.encoder.encode([text[:2000]])[0]
        return vector

    def text_vector(self, text: str) -> bytes:
        return encode_vector(embed_text(self.text_encoder, text))

    def from_profile(self, kind: DocumentKind, profile: CompetenceProfile, card: MatchCard,
                     contact: dict[str, str | None] | None = None) -> Extracted:
        """What the store keeps of a profile already extracted: its card, vector and whole-text vector."""
        return Extracted(kind, profile.model_dump_json(), card.model_dump_json(),
                         encode_vector(self.vector(card, profile.text)), contact, self.text_vector(profile.text))

    def ad(self, ad: AdIn) -> Extracted:
        profile = self.extractor.extract_text(ad_text(ad), "ad")
        return self.from_profile("ad", profile, ad_card(profile))

    def cv_text(self, data: bytes | None = None, text: str | None = None) -> str:
        if text is not None:
            return text
        if data is None:
            raise InputError("no_input", "give a file or a text")
        return read_document(data, self.extractor.limits).text

    def cv(self, data: bytes | None = None, text: str | None = None) -> Extracted:
        """Read a CV, mask its personal details, extract the profile from the masked text."""
        masked = mask_personal_details(self.cv_text(data, text))
        profile = self.extractor.extract_text(masked.text, "cv")
        contact = {"name": masked.contact.name, "email": masked.contact.email, "phone": masked.contact.phone}
        return self.from_profile("cv", profile, cv_card(profile), contact)

    def read(self, job: ExtractionJob) -> Extracted:
        if job.kind == "ad":
            if job.ad is None:
                raise InputError("no_input", "an ad job needs an ad")
            return self.ad(job.ad)
        return self.cv(job.data, job.text)
