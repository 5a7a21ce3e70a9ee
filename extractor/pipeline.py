"""The extraction pipeline: text -> language -> sections -> mentions + linked phrases -> competence profile."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from extractor.documents import Limits, read_document
from extractor.errors import InputError
from extractor.coherence import DOCUMENTS, Fit, SenseCheck
from extractor.grounding import WordGrounding
from extractor.facts import (LANGUAGE_NAME_CODES, driving_licence_spans, find_education, find_experience_years,
                             find_languages, find_licences, language_code)
from extractor.language import detect_language
from extractor.link_ranking import LOCAL, LinkRanker, standing_out
from extractor.linking import Candidate, action_phrases, candidate_phrases
from extractor.mentions import Mention
from extractor.profile import CompetenceProfile, ConceptMatch, Evidence, LanguageSkill
from extractor.concept_ranking import ConceptRanker
from extractor.resources import Reader, Resources
from extractor.heading_match import HeadingMatcher
from extractor.sections import Section, headings, section_at, sections_from
from extractor.label_index import ConceptHit
from models.nlp import english_lemmas
from taxonomy.coverage import top_group

log = logging.getLogger(__name__)

# Sections whose phrases are not the person's competences.
_SKIP_SECTIONS = {"personal", "languages"}
_OCCUPATION_SECTIONS = {"experience", "profile", "other"}
# Phrases of at most this many words may be job titles: they are, for skill linking, when their occupation link
# scores _TITLE_MARGIN above their best skill link, in units of the model's range above unrelated texts
# (``LabelIndex.unrelated_level``; 0.1 is 0.09 in all-MiniLM's cosine, 0.02 in e5's).
_TITLE_WORDS = 5
_TITLE_MARGIN = 0.1


@dataclass
class Draft:
    """A text read up to the choice of skills (``CompetenceExtractor.draft``)."""

    language: str
    language_confidence: float
    sections: list[Section]
    candidates: list[ConceptMatch]  # candidate skills, most confident first
    fits: list[Fit]                 # one per candidate
    occupations: list[ConceptMatch]
    languages: list[LanguageSkill]
    warnings: list[str] = field(default_factory=list)


class CompetenceExtractor:
    def __init__(self, resources: Resources) -> None:
        self.r = resources
        settings = resources.settings
        self.limits = Limits.from_settings(settings)
        self.ranker = ConceptRanker(resources)
        self._sense = SenseCheck(resources.phrases, resources.skill_descriptions,
                                 lambda uri: top_group(resources.taxonomy.get(uri))[:1],
                                 threshold=settings.keep_threshold,
                                 grounding=WordGrounding(lambda uri: resources.taxonomy.matched_labels(uri, "en")))
        self._headings = HeadingMatcher()
        self._links = LinkRanker(resources)

    # -- entry points ---------------------------------------------------------------------------------------
    def extract_document(self, data: bytes, document: str = "text") -> CompetenceProfile:
        return self.extract_text(read_document(data, self.limits).text, document)

    def extract_text(self, text: str, document: str = "text") -> CompetenceProfile:
        """``document``: what the text is, "cv", "ad" or "text" (the keep threshold differs by kind of text)."""
        draft = self.draft(text, document)
        skills: list[ConceptMatch] = []
        possible: list[ConceptMatch] = []
        for match, fit in zip(draft.candidates, draft.fits):
            if self._sense.keeps(fit):
                (skills if self._sense.shows(fit) else possible).append(match)
        return CompetenceProfile(
            language=draft.language, language_confidence=draft.language_confidence, text=text,
            skills=skills, possible_skills=possible,
            occupations=draft.occupations, languages=draft.languages, education=find_education(text, draft.sections),
            experience_years=find_experience_years(text, draft.sections),
            licences=find_licences(text, draft.sections), warnings=draft.warnings)

    def draft(self, text: str, document: str = "text") -> Draft:
        """Everything up to the choice of skills: the candidate skills with their fits (``extractor.coherence``),
        occupations and language facts. ``extract_text`` keeps the candidates the keep model keeps; training that
        model (``eval.keep_training``) reads the candidates. ``document`` (``DOCUMENTS``) sets the fits' kind of text."""
        if document not in DOCUMENTS:
            raise ValueError(f"document must be one of {DOCUMENTS}, not {document!r}")
        if not text.strip():
            raise InputError("no_text", "no text found")
        if len(text) > self.limits.max_chars:
            raise InputError("too_much_text", f"the text has {len(text)} characters; the limit is "
                             f"{self.limits.max_chars}", 413)
        language, confidence = detect_language(text)
        warnings = []
        if language not in ("sv", "en"):
            warnings.append(f"language {language!r} is not one matcha reads closely (Swedish, English): skills "
                            "were found from English terms and embeddings only and may be incomplete")
        reader = self.r.reader(language)
        found_headings = self._headings.find(text, reader)
        heading_lines = headings(text, found_headings)
        sections = sections_from(text, heading_lines)
        # A heading names a section, not a competence ("Skill Details" is not *identify skills gaps*).
        heading_spans = [(line.start, line.end) for line, _ in heading_lines]

        def in_heading(start: int, end: int) -> bool:
            return any(s < end and start < e for s, e in heading_spans)

        mentions = [m for m in self.r.phrases.find(text, language if language in ("sv", "en") else "en")
                    if not in_heading(m.start, m.end)]
        def linkable(phrase: Candidate) -> bool:  # outside the sections skipped and the headings
            return (section_at(sections, phrase.start) not in _SKIP_SECTIONS
                    and not in_heading(phrase.start, phrase.end))

        # One word is too little context to link by embedding ("Supervised" -> machine learning): single words
        # count only where they are taxonomy labels (the phrase mentions above).
        candidates = [c for c in candidate_phrases(text) if len(c.text.split()) >= 2 and linkable(c)]
        phrases = candidates + self._action_phrases(text, document, candidates, reader, linkable)
        vectors = reader.encoder.encode([c.text for c in phrases])
        titles = self._titles(candidates, vectors[:len(candidates)], reader)
        languages = find_languages(text, sections)
        skills = self._without_language_facts(
            self._skills(text, sections, mentions, phrases, vectors, reader, titles), languages)
        # The word-sense check compares each skill with its line: the candidates' vectors are reused.
        fits = self._sense.fits(text, language, skills, reader.encoder, self.r.sense_index(reader),
                                {c.text: v for c, v in zip(phrases, vectors)}, document)
        return Draft(language=language, language_confidence=round(confidence, 3), sections=sections,
                     candidates=skills, fits=fits, languages=languages, warnings=warnings,
                     occupations=self._occupations(text, sections, mentions, candidates, titles))

    # -- parts ----------------------------------------------------------------------------------------------
    def _concepts(self, text: str, sections: list[Section], mentions: list[Mention],
                  linked: list[tuple[Candidate, ConceptHit]], kind: str) -> list[ConceptMatch]:
        found: dict[str, ConceptMatch] = {}
        spans: dict[str, set[tuple[int, int]]] = defaultdict(set)

        licences = driving_licence_spans(text)

        def add(uri: str, start: int, end: int, confidence: float, method: str) -> None:
            concept = self.r.taxonomy.get(uri)
            if concept is None or section_at(sections, start) in _SKIP_SECTIONS:
                return
            if any(s < end and start < e for s, e in licences):  # a driving licence is a fact, not a skill
                return
            match = found.get(uri)
            if match is None:
                match = found[uri] = ConceptMatch(uri=uri, label=concept.label("en"),
                                                  label_sv=concept.labels.get("sv"), confidence=confidence,
                                                  method=method)
            elif confidence > match.confidence:
                match.confidence, match.method = confidence, method
            if (start, end) not in spans[uri]:
                spans[uri].add((start, end))
                match.evidence.append(Evidence(start=start, end=end, text=text[start:end],
                                               section=section_at(sections, start)))

        for m in mentions:
            # A language named is a language fact (with its level), not a skill, wherever the CV names it.
            if m.kind == kind and m.text.lower() not in LANGUAGE_NAME_CODES:
                add(m.uri, m.start, m.end, m.confidence, m.method)
        for candidate, hit in linked:
            add(hit.uri, candidate.start, candidate.end, round(hit.score, 3), "embedding")
        for match in found.values():
            match.evidence.sort(key=lambda e: e.start)
            # A concept seen in several places is more certain (a clause inside its line is the same place).
            places = sum(1 for e in match.evidence
                         if not any(o is not e and o.start <= e.start and e.end <= o.end for o in match.evidence))
            match.confidence = round(min(0.99, match.confidence + 0.02 * (places - 1)), 3)
        return sorted(found.values(), key=lambda m: (-m.confidence, m.evidence[0].start))

    def _without_language_facts(self, skills: list[ConceptMatch],
                                languages: list[LanguageSkill]) -> list[ConceptMatch]:
        """Languages are facts with a level (``profile.languages``), not competences: a language skill of the
        taxonomy stays off the skills where the language is among the facts, or where it was linked by similarity
        (*Swedish* from "Syrian / Swedish", *write Swedish* from "Swedish standards"). A language named that the
        facts do not list ("Marathi") stays, so that nothing the CV states is lost. A language course the person
        took, read as their level ("SFI och Svenska som andraspråk, nivå 3" under education), is their schooling:
        nothing linked by similarity inside it alone is a skill (not *teach languages*)."""
        stated = {spoken.language for spoken in languages}
        courses = [(e.start, e.end) for spoken in languages for e in spoken.evidence if e.section == "education"]

        def fact(match: ConceptMatch) -> bool:
            concept = self.r.taxonomy.get(match.uri)
            return concept is not None and concept.is_language and (
                match.method == "embedding" or language_code(concept.label("en")) in stated)

        def in_a_course(match: ConceptMatch) -> bool:
            return match.method == "embedding" and all(
                any(s <= e.start and e.end <= end for s, end in courses) for e in match.evidence)

        return [match for match in skills if not fact(match) and not in_a_course(match)]

    def _action_phrases(self, text: str, document: str, candidates: list[Candidate], reader: Reader,
                        linkable: Callable[[Candidate], bool]) -> list[Candidate]:
        """An English CV's action phrases (``extractor.linking.action_phrases``) that are not candidate phrases
        already and are ``linkable`` as they are (none where MATCHA_ACTION_PHRASES is false)."""
        if not self.r.settings.action_phrases or reader is not self.r.english or document != "cv":
            return []
        known = {(c.start, c.end) for c in candidates}
        return [c for c in action_phrases(text, self.r.label_leads, english_lemmas())
                if (c.start, c.end) not in known and linkable(c)]

    @staticmethod
    def _titles(candidates: list[Candidate], vectors, reader: Reader) -> dict[int, ConceptHit]:
        """Candidate index -> its occupation link, for short phrases that name an occupation ("Software
        developer", "Byggnadsingenjör, Skanska")."""
        short = [i for i, c in enumerate(candidates) if len(c.text.split()) <= _TITLE_WORDS]
        if not short:
            return {}
        hits = reader.occupation_index.search(vectors[short], k=1, languages=reader.labels)
        return {i: h[0] for i, h in zip(short, hits) if h and h[0].score >= reader.occupation_threshold}

    # Phrases link to labels only: description entries are for ranking short texts (``extractor.concept_ranking``).
    def _skills(self, text, sections, mentions, candidates, vectors, reader: Reader,
                titles: dict[int, ConceptHit]) -> list[ConceptMatch]:
        linked = []
        if reader is self.r.english:  # which skills each phrase names: its nearest re-ranked by both models
            hits = self._links.rank([c.text for c in candidates], vectors)
        else:
            hits = reader.skill_index.search(vectors, k=max(reader.skill_links, LOCAL), languages=reader.labels)
        scale = 1.0 - reader.skill_index.unrelated_level()  # a model's similarity range above unrelated texts
        for i, (candidate, found) in enumerate(zip(candidates, hits)):
            # A job title is closer to its occupation than to any skill: it names the job, and the skills that
            # share its words ("Software developer" -> *graphics editor software*) are not shown by it.
            nearest = max((h.score for h in found), default=0.0)
            if i in titles and (titles[i].score - nearest) / scale >= _TITLE_MARGIN:
                continue
            # Of its nearest skills, a phrase names those that stand out from the rest (where the reader asks so).
            named = standing_out(found, reader.skill_margin)
            linked.extend((candidate, h) for h in named[:reader.skill_links] if h.score >= reader.skill_threshold)
        return self._concepts(text, sections, mentions, linked, "skill")

    def _occupations(self, text, sections, mentions, candidates, titles: dict[int, ConceptHit]) -> list[ConceptMatch]:
        linked = [(candidates[i], hit) for i, hit in sorted(titles.items())
                  if section_at(sections, candidates[i].start) in _OCCUPATION_SECTIONS]
        return self._concepts(text, sections, mentions, linked, "occupation")

    # -- ranking (benchmarks, search) -----------------------------------------------------------------------
    def rank_skills(self, texts: list[str], k: int = 10) -> list[list[ConceptHit]]:
        """Rank taxonomy skills for each short text (a sentence of an ad); see ``extractor.concept_ranking``."""
        return self.ranker.rank_skills(texts, k)

    def rank_occupations(self, titles: list[str], k: int = 10) -> list[list[ConceptHit]]:
        """Rank taxonomy occupations for each job title (batched); see ``extractor.concept_ranking``."""
        return self.ranker.rank_occupations(titles, k)

