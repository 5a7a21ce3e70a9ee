"""Heavy things, loaded once per process and shared: taxonomy, encoder, label vectors, phrase matchers."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from extractor.label_index import LabelIndex, build_description_index, build_label_index
from core.settings import Settings, get_settings
from models.embedding import get_encoder
from models.encoders import Encoder
from extractor.language import detect_language
from extractor.linking import label_leads
from extractor.mentions import PhraseIndex
from models.nlp import english_lemmas
from taxonomy.build import with_lexicon
from taxonomy.model import Taxonomy
from taxonomy.store import load_taxonomy

log = logging.getLogger(__name__)

EMBED_LANGUAGES = ("en", "sv")


@dataclass(frozen=True)
class Reader:
    """What reads the text of one language by embedding: a model, the label indexes it is compared with,
    which of their entries count (``labels``: None for all) and the least similarity for a link."""

    encoder: Encoder
    skill_index: LabelIndex
    occupation_index: LabelIndex
    labels: tuple[str, ...] | None
    skill_threshold: float
    occupation_threshold: float
    skill_margin: float = 0.0  # how far a skill link must stand above the phrase's nearest skills' mean (0: no rule)
    skill_links: int = 2  # most skills one phrase may name by embedding


@dataclass(frozen=True)
class SkillModel:
    """A model that ranks skills for a sentence: its encoder, its skill label index (English text is compared
    with English labels only) and its skill descriptions (None: descriptions not used)."""

    encoder: Encoder
    labels: LabelIndex
    descriptions: LabelIndex | None


class Resources:
    """Taxonomy, encoder, label vectors and phrase matchers. The phrase matchers and the language detector are
    built in a background thread while the model loads; ``phrases`` waits for them."""

    def __init__(self, settings: Settings, progress: bool = False) -> None:
        self.settings = settings
        self.progress = progress
        # The Swedish lexicon is project data that changes with the code: applied at load (idempotent).
        self.taxonomy: Taxonomy = with_lexicon(load_taxonomy(settings.taxonomy_dir))
        cache = settings.taxonomy_dir / "vectors"
        self._phrases: PhraseIndex | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        threading.Thread(target=self._build_phrases, args=(cache,), daemon=True, name="phrase-index").start()
        if settings.model_threads:  # OpenMP and BLAS pools already loaded (FAISS, torch, numpy)
            from threadpoolctl import threadpool_limits

            threadpool_limits(settings.model_threads)
        self.encoder: Encoder = get_encoder(settings.model, settings.batch_size,
                                               settings.embedding_backend, settings.models_dir, settings.model_threads)
        # With a model of its own for non-English text, the main model embeds English labels only.
        languages = ("en",) if self._separate_model() else EMBED_LANGUAGES
        self.skill_index: LabelIndex = build_label_index(self.taxonomy, "skill", self.encoder, cache,
                                                         languages, progress)
        self.occupation_index: LabelIndex = build_label_index(self.taxonomy, "occupation", self.encoder, cache,
                                                              languages, progress, descriptions=True)
        self._skill_descriptions: LabelIndex | None = None
        self._descriptions_lock = threading.Lock()
        self._skill_fusion: SkillModel | None = None
        self._fusion_lock = threading.Lock()
        self.english = Reader(self.encoder, self.skill_index, self.occupation_index, ("en",),
                              settings.skill_link_threshold, settings.occupation_link_threshold,
                              skill_links=settings.skill_links)
        self.other = self._other_reader(cache)
        self._leads: frozenset[str] | None = None

    @property
    def label_leads(self) -> frozenset[str]:
        """The lemmas that lead English skill labels (``extractor.linking.label_leads``), read once."""
        if self._leads is None:
            labels = [label for concept in self.taxonomy.of_kind("skill") for label in concept.labels_in("en")]
            self._leads = label_leads(labels, english_lemmas())
        return self._leads

    def _separate_model(self) -> bool:
        return bool(self.settings.model_sv) and self.settings.model_sv != self.settings.model

    def _other_reader(self, cache: Path) -> Reader:
        """The reader of every text that is not English. With MATCHA_MODEL_SV (multilingual-e5-small by
        default): that model over the Swedish labels, in indexes of its own (its cross-lingual matching is weak:
        "drog kablar" lands near *drug development* among English labels). Without it: the main model over
        English and Swedish labels, linking only near-identical phrases."""
        settings = self.settings
        if not self._separate_model():
            labels = self.skill_index.languages_for(False, descriptions=False)
            strict = settings.other_language_link_threshold
            return Reader(self.encoder, self.skill_index, self.occupation_index, labels,
                          max(settings.skill_link_threshold, strict),
                          max(settings.occupation_link_threshold, strict))
        encoder = get_encoder(settings.model_sv, settings.batch_size, settings.embedding_backend,
                              settings.models_dir, settings.model_threads)
        indexes = [build_label_index(self.taxonomy, kind, encoder, cache, ("sv",), self.progress)  # type: ignore[arg-type]
                   for kind in ("skill", "occupation")]
        return Reader(encoder, indexes[0], indexes[1], None, settings.sv_skill_link_threshold,
                      settings.sv_occupation_link_threshold, settings.sv_skill_link_margin)

    def reader(self, language: str) -> Reader:
        return self.english if language == "en" else self.other

    def sense_index(self, reader: Reader) -> LabelIndex:
        """The skills in the reader's space for checking that a concept fits its context
        (``extractor.coherence``): label and description for the main model, else the reader's own labels."""
        return self.skill_descriptions if reader.encoder is self.encoder else reader.skill_index

    @property
    def skill_descriptions(self) -> LabelIndex:
        """Skill descriptions, for ranking skills against a sentence, ordering an English phrase's nearest skills
        and checking a skill's fit (``extractor.coherence``); embedded on first use (about 2 minutes on 2 cores,
        then cached; set-up does it)."""
        with self._descriptions_lock:
            if self._skill_descriptions is None:
                self._skill_descriptions = build_description_index(
                    self.taxonomy, "skill", self.encoder, self.settings.taxonomy_dir / "vectors", self.progress)
            return self._skill_descriptions

    def prepare_skill_ranking(self) -> None:
        """Embed now what ranking skills for a sentence needs on first use: the skill descriptions and, with a
        fusion weight, the second model's vectors (set-up, so that no benchmark starts with it)."""
        self.skill_descriptions  # noqa: B018
        if self.settings.skill_fusion_weight > 0:
            self.skill_fusion  # noqa: B018

    def skill_model(self, descriptions: bool = True) -> SkillModel:
        """The main model as a ranker of skills."""
        return SkillModel(self.encoder, self.skill_index, self.skill_descriptions if descriptions else None)

    @property
    def skill_fusion(self) -> SkillModel | None:
        """The second model of skill ranking (MATCHA_SKILL_FUSION_MODEL) over the English skill labels (a cache
        of its own, ``vectors-skill-en-…``: its Swedish reader's ``vectors-skill-…`` holds Swedish labels) and the
        skill descriptions; loaded on first use (the first English text extracted or ranked; the model object
        is the one MATCHA_MODEL_SV uses when they name the same model). Embedding its 100,000 English labels
        takes about 15 minutes on 2 cores, once. None when no second model is set or it is the main model."""
        name = self.settings.skill_fusion_model
        if not name:
            return None
        with self._fusion_lock:
            if self._skill_fusion is None:
                settings, cache = self.settings, self.settings.taxonomy_dir / "vectors"
                encoder = get_encoder(name, settings.batch_size, settings.embedding_backend, settings.models_dir,
                                      settings.model_threads)
                if encoder.name == self.encoder.name:
                    return None
                labels = build_label_index(self.taxonomy, "skill", encoder, cache, ("en",), self.progress,
                                           name="skill-en")
                descriptions = build_description_index(self.taxonomy, "skill", encoder, cache, self.progress)
                self._skill_fusion = SkillModel(encoder, labels, descriptions)
            return self._skill_fusion

    def _build_phrases(self, cache: Path) -> None:
        try:
            detect_language("warm up the language detector")
            self._phrases = PhraseIndex(self.taxonomy, cache_dir=cache)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self._error = exc
        finally:
            self._ready.set()

    @property
    def phrases(self) -> PhraseIndex:
        self._ready.wait()
        if self._error is not None:
            raise self._error
        assert self._phrases is not None
        return self._phrases


_lock = threading.Lock()
_cache: dict[tuple, Resources] = {}


def load_resources(settings: Settings | None = None, progress: bool = False) -> Resources:
    settings = settings or get_settings()
    key = (str(settings.taxonomy_dir), settings.model, settings.model_sv)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            resources = Resources(settings, progress)
            resources.phrases  # noqa: B018 - wait until everything is ready
            _cache[key] = resources
            log.info("resources loaded in %.1f s", time.perf_counter() - started)
        return _cache[key]
