"""Heavy things, loaded once per process and shared: taxonomy, encoder, label vectors, phrase matchers."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from index.label_index import LabelIndex, build_label_index
from matcha.settings import Settings, get_settings
from models.embedding import Encoder, get_encoder
from extractor.mentions import PhraseIndex
from taxonomy.model import Taxonomy
from taxonomy.store import load_taxonomy

log = logging.getLogger(__name__)

EMBED_LANGUAGES = ("en", "sv")


@dataclass
class Resources:
    settings: Settings
    taxonomy: Taxonomy
    encoder: Encoder
    skill_index: LabelIndex
    occupation_index: LabelIndex
    phrases: PhraseIndex


_lock = threading.Lock()
_cache: dict[tuple, Resources] = {}


def load_resources(settings: Settings | None = None, progress: bool = False) -> Resources:
    settings = settings or get_settings()
    key = (str(settings.taxonomy_dir), settings.model)
    with _lock:
        if key not in _cache:
            started = time.perf_counter()
            taxonomy = load_taxonomy(settings.taxonomy_dir)
            encoder = get_encoder(settings.model, settings.batch_size)
            vectors = settings.taxonomy_dir / "vectors"
            _cache[key] = Resources(
                settings=settings, taxonomy=taxonomy, encoder=encoder,
                skill_index=build_label_index(taxonomy, "skill", encoder, vectors, EMBED_LANGUAGES, progress),
                occupation_index=build_label_index(taxonomy, "occupation", encoder, vectors, EMBED_LANGUAGES,
                                                   progress),
                phrases=PhraseIndex(taxonomy))
            log.info("resources loaded in %.1f s", time.perf_counter() - started)
        return _cache[key]
