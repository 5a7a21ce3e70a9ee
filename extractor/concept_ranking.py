"""Ranking taxonomy concepts for short texts: skills for a sentence of an ad (the Decorte benchmark's task) and
occupations for a job title (MELO, `matcha occupations`). Batched: one model call per list of texts.

Skills. Phrases are the sentence's clauses and its windows of 1-4 words that do not start or end with a stop or
cue word ("concurrent applications"). Each candidate (found by the whole sentence, by a phrase, by a taxonomy
label occurring in the sentence, or by its description) is scored

    max(cos(sentence, concept's labels), PHRASE_FACTOR * cos(best phrase, concept's labels))
    + PREFERRED_LABEL_BONUS if the concept's preferred label occurs in the sentence (OTHER_LABEL_BONUS for another
      label of it)
    + skill_description_weight * cos(sentence, "label. description")

with each model that reads it: all-MiniLM (the main model) and multilingual-e5-small (MATCHA_SKILL_FUSION_MODEL,
against the English labels and descriptions), which miss different things. The score is (1 - w) * MiniLM's +
w * e5's (w = skill_fusion_weight, 0.75): a score fusion rather than a rank fusion, so that each model's margin
counts, over the union of both models' candidates, each model's label and description similarity exact for every
one of them, its phrase similarity where its own phrase search found the concept (else 0), the label bonuses once.
e5's similarities are compressed (unrelated texts score about 0.8, against 0.1 for MiniLM), so at w = 0.75 the two
models' spreads are of one order (0.75 * ~0.2 against 0.25 * ~0.9); rescaling e5's similarities to MiniLM's range
instead measured worse (house 0.400). A model with weight 0 has no say, not even in which skills are candidates:
w = 0 ranks exactly as MiniLM alone, w = 1 as e5 alone.

A label found in the text is strong evidence but not proof: one-word alternative labels ("data", "languages")
name many things, so a label match adds to the similarity instead of putting the concept first. The constants
were tuned on the Decorte validation sets (``../shared``) over a grid; results sit on a plateau around them
(phrase factor 0.9-0.95, preferred bonus 0.3-0.5, other label 0.1-0.2 of it, description weight 0.75-1.25).
Honest figures (``matcha eval skills --cross-tune``, ``eval/ranking_tuning.py``; constants and fusion weight tuned
on one set, RP@5 on the other):

    ranking            tuned on house -> tech   tuned on tech -> house
    all-MiniLM alone   0.445                    0.368
    e5 alone           0.433                    0.404
    fusion             0.460 (w 0.75)           0.425 (w 0.75)

Both directions chose w = 0.75 and description weight 1.25, the shipped values. Expect such figures on unseen
data.

Occupations. Each occupation scores its best label similarity (a label found in the title puts it first), plus
occupation_description_weight * its description similarity; plural titles are also tried in the singular.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extractor.facts import LANGUAGE_NAME_CODES
from extractor.language import detect_language, english_share
from extractor.linking import Candidate, candidate_phrases, word_windows
from extractor.mentions import Mention
from extractor.resources import Resources, SkillModel
from extractor.label_index import DESCRIPTION, ConceptHit, LabelIndex
from taxonomy.sources.registry_packages import singular_words as singular_title

PHRASE_FACTOR = 0.95
PREFERRED_LABEL_BONUS = 0.4
OTHER_LABEL_BONUS = 0.08


@dataclass(frozen=True)
class SkillWeights:
    """The constants of skill ranking (see the module docstring); ``description`` is the settings'
    skill_description_weight and ``fusion`` their skill_fusion_weight unless given."""

    phrase_factor: float = PHRASE_FACTOR
    preferred_bonus: float = PREFERRED_LABEL_BONUS
    other_bonus: float = OTHER_LABEL_BONUS
    description: float = 1.25
    fusion: float = 0.75


@dataclass
class ModelParts:
    """One model's parts of the candidates' scores: label similarity of the whole text, best raw phrase
    similarity (0 where this model's phrase search did not find the skill; 1.0 for a Swedish label found
    verbatim), similarity of the whole text to the skill's description, and whether this model's searches (or a
    label found in the text) put the skill among the candidates."""

    label: np.ndarray
    phrase: np.ndarray
    description: np.ndarray
    found: np.ndarray

    def scores(self, w: SkillWeights, bonus: np.ndarray) -> np.ndarray:
        return np.maximum(self.label, w.phrase_factor * self.phrase) + bonus + w.description * self.description


@dataclass
class SkillCandidates:
    """One text's candidate skills and the parts of their scores: whether a preferred / other label occurs in the
    text, and each model's similarities (``models``: the main model first, then the fusion model if any)."""

    uris: list[str]
    labels: list[str]
    preferred: np.ndarray
    other: np.ndarray
    models: list[ModelParts]

    def _model_weights(self, w: SkillWeights) -> list[float]:
        if len(self.models) == 1:
            return [1.0]
        return [1.0 - w.fusion, w.fusion]

    def scores(self, w: SkillWeights) -> np.ndarray:
        """(1 - fusion) * main model's score + fusion * the second model's; -inf for a candidate that no model
        with weight found (a model with weight 0 has no say, not even in which skills are candidates)."""
        bonus = np.where(self.preferred, w.preferred_bonus, np.where(self.other, w.other_bonus, 0.0))
        total = np.zeros(len(self.uris), dtype=np.float32)
        found = np.zeros(len(self.uris), dtype=bool)
        for parts, weight in zip(self.models, self._model_weights(w)):
            if weight > 0:
                total = total + weight * parts.scores(w, bonus)
                found |= parts.found
        return np.where(found, total, -np.inf).astype(np.float32)

    def top(self, w: SkillWeights, k: int) -> list[ConceptHit]:
        scores = self.scores(w)
        order = [j for j in np.argsort(-scores, kind="stable")[:k] if np.isfinite(scores[j])]
        return [ConceptHit(self.uris[j], float(scores[j]), self.labels[j]) for j in order]


_POOL = 6  # candidates per source: k * _POOL from the whole text and its description, 2k per phrase


def text_language(text: str) -> str:
    """'en' for a text long enough to tell that is English; 'sv' otherwise (short titles: both lexicons)."""
    language, _ = detect_language(text, min_confidence=0.0) if len(text) > 20 else ("sv", 0.0)
    return "en" if language == "en" else "sv"


def _phrases(text: str) -> list[Candidate]:
    """Clauses of the text and its short word windows, each text once."""
    unique: dict[str, Candidate] = {}
    for candidate in (*candidate_phrases(text), *word_windows(text)):
        unique.setdefault(candidate.text, candidate)
    return list(unique.values())


def search_by_language(index: LabelIndex, vectors: np.ndarray, k: int,
                       languages: list[str]) -> list[list[ConceptHit]]:
    """Search English texts against English labels and descriptions, the others against every entry
    (``LabelIndex.languages_for``), in two batches, results in input order."""
    results: list[list[ConceptHit]] = [[] for _ in languages]
    for english in (True, False):
        rows = [i for i, lang in enumerate(languages) if (lang == "en") == english]
        if rows:
            found = index.search(vectors[rows], k=k, languages=index.languages_for(english, descriptions=True))
            for i, hits in zip(rows, found):
                results[i] = hits
    return results


class _SkillSearch:
    """One model's searches for a list of texts (batched: one encode call for the texts, one for all their
    phrases), and its score parts for any candidates."""

    def __init__(self, model: SkillModel, texts: list[str], languages: list[str], phrases: list[list[Candidate]],
                 k: int) -> None:
        self.model, self.languages = model, languages
        index = model.labels
        self.whole = model.encoder.encode(texts)
        flat = [c.text for cands in phrases for c in cands]
        flat_languages = [lang for lang, cands in zip(languages, phrases) for _ in cands]
        part_hits = iter(search_by_language(index, model.encoder.encode(flat), 2 * k, flat_languages))
        self.whole_hits = search_by_language(index, self.whole, k * _POOL, languages)
        self.described = (model.descriptions.search(self.whole, k=k * _POOL) if model.descriptions is not None
                          else [[] for _ in texts])
        self.phrase_score: list[dict[str, float]] = []
        self.phrase_label: list[dict[str, str]] = []
        for cands in phrases:
            scores: dict[str, float] = {}
            labels: dict[str, str] = {}
            for _ in cands:
                for hit in next(part_hits):
                    if hit.score > scores.get(hit.uri, -1.0):
                        scores[hit.uri] = hit.score
                        labels.setdefault(hit.uri, hit.label)
            self.phrase_score.append(scores)
            self.phrase_label.append(labels)

    def nominated(self, i: int) -> list[tuple[str, str]]:
        """Text i's candidates from the whole-text and phrase searches, with their best labels, in order."""
        return ([(hit.uri, hit.label) for hit in self.whole_hits[i]]
                + list(self.phrase_label[i].items()))

    def described_hits(self, i: int) -> list[tuple[str, str]]:
        return [(hit.uri, hit.label) for hit in self.described[i]]

    def parts(self, i: int, uris: list[str], verbatim: set[str], lexical: set[str]) -> ModelParts:
        index, whole = self.model.labels, self.whole[i]
        label_score = {hit.uri: hit.score for hit in self.whole_hits[i]}
        missing = [u for u in uris if u not in label_score]
        if missing:  # exact label similarity for concepts the whole-text search did not return
            entries = index.languages_for(self.languages[i] == "en", descriptions=True)  # those searched
            label_score.update(zip(missing, index.similarity(whole, missing, entries).tolist()))
        phrase = self.phrase_score[i]
        found = {hit.uri for hit in self.whole_hits[i]} | set(phrase) | lexical | {
            hit.uri for hit in self.described[i]}
        descriptions = self.model.descriptions
        return ModelParts(
            label=np.array([label_score[u] for u in uris], dtype=np.float32),
            phrase=np.array([max(phrase.get(u, 0.0), 1.0 if u in verbatim else 0.0) for u in uris],
                            dtype=np.float32),
            description=(descriptions.similarity(whole, uris) if descriptions is not None and uris
                         else np.zeros(len(uris), dtype=np.float32)),
            found=np.array([u in found for u in uris], dtype=bool))


class ConceptRanker:
    def __init__(self, resources: Resources) -> None:
        self.r = resources

    def _lexical(self, text: str, kind: str, language: str) -> list[Mention]:
        """Taxonomy labels found in the text; language names are language facts, not skills."""
        return [m for m in self.r.phrases.find(text, language)
                if m.kind == kind and m.text.lower() not in LANGUAGE_NAME_CODES]

    # -- skills ---------------------------------------------------------------------------------------------
    def rank_skills(self, texts: list[str], k: int = 10, weights: SkillWeights | None = None
                    ) -> list[list[ConceptHit]]:
        settings = self.r.settings
        weights = weights or SkillWeights(description=settings.skill_description_weight,
                                          fusion=settings.skill_fusion_weight)
        found = self.skill_candidates(texts, k, weights.description > 0, fusion=weights.fusion > 0)
        return [candidates.top(weights, k) for candidates in found]

    def skill_candidates(self, texts: list[str], k: int = 10, descriptions: bool = True,
                         fusion: bool = False) -> list[SkillCandidates]:
        """Each text's candidate skills with the parts of their score (weights apply in ``SkillCandidates``):
        the main model's, and with ``fusion`` also the second model's (``Resources.skill_fusion``, if set).
        Candidates are the union of both models' searches and the labels found in the text; every model's label
        and description similarity is exact for every candidate."""
        models = [self.r.skill_model(descriptions)]
        second = self.r.skill_fusion if fusion else None
        if second is not None:
            models.append(second if descriptions else SkillModel(second.encoder, second.labels, None))
        languages = [text_language(t) for t in texts]
        phrases = [_phrases(t) for t in texts]
        searched = [_SkillSearch(model, texts, languages, phrases, k) for model in models]
        results = []
        for i, (text, language) in enumerate(zip(texts, languages)):
            preferred: set[str] = set()
            other: set[str] = set()
            verbatim: set[str] = set()
            best_label: dict[str, str] = {}
            mentions = self._lexical(text, "skill", language)
            for mention in mentions:
                # the phrase index's mark of a preferred label
                (preferred if mention.confidence >= 0.95 else other).add(mention.uri)
                if language != "en":  # a Swedish label found verbatim: as a phrase identical to one of its labels
                    # (the models embed English labels only, so they cannot tell this by similarity)
                    verbatim.add(mention.uri)
            # Candidate order (ties keep it): the main model's text and phrase hits, labels found in the text, its
            # description hits, then the second model's; the shown label is the first seen.
            for j, search in enumerate(searched):
                for uri, label in search.nominated(i):
                    best_label.setdefault(uri, label)
                if j == 0:
                    for mention in mentions:
                        best_label.setdefault(mention.uri, mention.text)
                for uri, label in search.described_hits(i):
                    best_label.setdefault(uri, label)
            uris = list(best_label)
            results.append(SkillCandidates(
                uris=uris, labels=[best_label[u] for u in uris],
                preferred=np.array([u in preferred for u in uris], dtype=bool),
                other=np.array([u in other for u in uris], dtype=bool),
                models=[search.parts(i, uris, verbatim, {m.uri for m in mentions}) for search in searched]))
        return results

    # -- occupations ----------------------------------------------------------------------------------------
    def rank_occupations(self, titles: list[str], k: int = 10) -> list[list[ConceptHit]]:
        """Rank taxonomy occupations for each job title (batched). Titles are also tried in the singular
        ("Welders" -> "welder"), since taxonomy labels are singular; each concept keeps its best score."""
        ranked = self._rank_titles(titles, k)
        plural = [i for i, title in enumerate(titles) if singular_title(title) != title]
        singular = self._rank_titles([singular_title(titles[i]) for i in plural], k) if plural else []
        for i, extra in zip(plural, singular):
            best: dict[str, ConceptHit] = {}
            for hit in (*ranked[i], *extra):
                if hit.uri not in best or hit.score > best[hit.uri].score:
                    best[hit.uri] = hit
            ranked[i] = sorted(best.values(), key=lambda h: -h.score)[:k]
        return ranked

    def _rank_titles(self, titles: list[str], k: int) -> list[list[ConceptHit]]:
        """The main model's ranking and, where a second model reads non-English text, that model's ranking
        (Swedish labels), fused by reciprocal rank, each weighted by how English the title looks (a soft cue:
        a few words do not settle a language) above a floor. A taxonomy label found in the title comes first
        (in the second model's ranking only where it is the whole title)."""
        main = self._title_scores(titles, k)
        if self.r.other.encoder is self.r.encoder:
            return [_top(scores, k) for scores in main]
        other = self._title_scores_other(titles, k)
        floor = self.r.settings.occupation_model_floor
        ranked = []
        for title, a, b in zip(titles, main, other):
            english = english_share(title)
            ranked.append(_top(_fuse((a, b), (floor + english, floor + 1.0 - english)), k))
        return ranked

    def _title_scores_other(self, titles: list[str], k: int) -> list[dict[str, tuple[float, str]]]:
        reader = self.r.other
        results = []
        for title, hits in zip(titles, reader.occupation_index.search(reader.encoder.encode(titles), k=k * 3)):
            scores = {hit.uri: (hit.score, hit.label) for hit in hits}
            for mention in self._lexical(title, "occupation", "sv"):  # a label that is the whole title
                if mention.end - mention.start >= 0.8 * len(title.strip()):
                    scores[mention.uri] = (1.0 + mention.confidence * 0.1, mention.text)
            results.append(scores)
        return results

    def _title_scores(self, titles: list[str], k: int) -> list[dict[str, tuple[float, str]]]:
        index = self.r.occupation_index
        languages = [text_language(t) for t in titles]
        whole = self.r.encoder.encode(titles)
        # What an occupation *is* (its description) counts beside what it is called.
        beta = self.r.settings.occupation_description_weight
        described = index.search(whole, k=k * 6, languages=(DESCRIPTION,)) if beta else [[] for _ in titles]
        results = []
        for title, language, label_hits, desc_hits in zip(
                titles, languages, search_by_language(index, whole, k * 3, languages), described):
            scores: dict[str, tuple[float, str]] = {}

            def offer(uri: str, score: float, label: str) -> None:
                if uri not in scores or score > scores[uri][0]:
                    scores[uri] = (score, label)

            for hit in label_hits:
                offer(hit.uri, hit.score, hit.label)
            for mention in self._lexical(title, "occupation", language):
                offer(mention.uri, 1.0 + mention.confidence * 0.1 + (mention.end - mention.start) / 1000, mention.text)
            if desc_hits:
                scores = _with_descriptions(scores, desc_hits, beta)
            results.append(scores)
        return results


RRF_K = 10  # rank offset of reciprocal rank fusion: small, since only the first few ranks matter here


def _top(scores: dict[str, tuple[float, str]], k: int) -> list[ConceptHit]:
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])[:k]
    return [ConceptHit(uri, float(score), label) for uri, (score, label) in ranked]


def _fuse(rankings: tuple[dict[str, tuple[float, str]], ...], weights: tuple[float, ...]) -> dict[str, tuple[float, str]]:
    """Weighted reciprocal rank fusion; a label found in the title (score above 1) keeps its score as a lead, so
    the longest label found still comes first."""
    fused: dict[str, tuple[float, str]] = {}
    for scores, weight in zip(rankings, weights):
        ordered = sorted(scores.items(), key=lambda item: -item[1][0])
        for rank, (uri, (score, label)) in enumerate(ordered):
            value = weight / (RRF_K + rank + 1) + (score if score >= 1.0 else 0.0)
            before = fused.get(uri)
            fused[uri] = (value + (before[0] if before else 0.0), before[1] if before else label)
    return fused


def _with_descriptions(scores: dict[str, tuple[float, str]], described: list[ConceptHit],
                       beta: float) -> dict[str, tuple[float, str]]:
    """score + beta * description similarity, where a description counts only as far as it is among the
    title's best description hits: a concept outside them gets the lowest of them, and one found only by its
    description enters just below the weakest label hit. Computing every description similarity exactly instead
    (as skill ranking does) measured MELO English success@10 0.866 against 0.863 but Norwegian 0.229 against
    0.260: the English model's similarity between a Scandinavian title and an English description is mostly
    noise, and the floor keeps that noise out."""
    by_uri = {hit.uri: hit.score for hit in described}
    floor = min(by_uri.values())
    fused = {uri: (score + beta * by_uri.get(uri, floor), label) for uri, (score, label) in scores.items()}
    weakest = min((score for score, _ in scores.values()), default=0.0)
    for hit in described:
        if hit.uri not in fused:
            fused[hit.uri] = (weakest - 0.02 + beta * hit.score, hit.label)
    return fused
