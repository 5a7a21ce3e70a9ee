"""Heavy things, loaded once per process and shared: taxonomy, encoder, label vectors, phrase matchers."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from index.label_index import LabelIndex, build_description_index, build_label_index
from matcha.settings import Settings, get_settings
from models.embedding import Encoder, get_encoder
from extractor.language import detect_language
from extractor.mentions import PhraseIndex
from taxonomy.build import with_lexicon
from taxonomy.model import Taxonomy
from taxonomy.store import load_taxonomy

log = logging.getLogger(__name__)

EMBED_LANGUAGES = ("en", "sv")


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
        self.encoder: Encoder = get_encoder(settings.model, settings.batch_size,
                                               settings.embedding_backend, settings.models_dir)
        self.skill_index: LabelIndex = build_label_index(self.taxonomy, "skill", self.encoder, cache,
                                                         EMBED_LANGUAGES, progress)
        self.occupation_index: LabelIndex = build_label_index(self.taxonomy, "occupation", self.encoder, cache,
                                                              EMBED_LANGUAGES, progress, descriptions=True)
        self._skill_descriptions: LabelIndex | None = None
        self._descriptions_lock = threading.Lock()

    @property
    def skill_descriptions(self) -> LabelIndex:
        """Skill descriptions, for ranking skills against a sentence; embedded on first use (about 2 minutes on
        2 cores, then cached), since extraction does not need them."""
        with self._descriptions_lock:
            if self._skill_descriptions is None:
                self._skill_descriptions = build_description_index(
                    self.taxonomy, "skill", self.encoder, self.settings.taxonomy_dir / "vectors", self.progress)
            return self._skill_descriptions

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
    key = (str(settings.taxonomy_dir), settings.model)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            resources = Resources(settings, progress)
            resources.phrases  # noqa: B018 - wait until everything is ready
            _cache[key] = resources
            log.info("resources loaded in %.1f s", time.perf_counter() - started)
        return _cache[key]
