"""The project's own compact taxonomy format: one gzipped JSON document per built taxonomy."""

from __future__ import annotations

import gzip
import json
import logging
from functools import lru_cache
from pathlib import Path

from core.atomic_files import write_bytes_atomic
from taxonomy.model import Concept, Taxonomy

log = logging.getLogger(__name__)

FILE_NAME = "taxonomy.json.gz"


class TaxonomyNotBuilt(RuntimeError):
    pass


def save_taxonomy(taxonomy: Taxonomy, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"name": taxonomy.name, "version": taxonomy.version, "source": taxonomy.source,
            "lexicon_hash": taxonomy.lexicon_hash, "groups": taxonomy.groups, "relations": taxonomy.relations,
            "concepts": [c.to_dict() for c in taxonomy.concepts.values()]}
    target = folder / FILE_NAME
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_bytes_atomic(target, gzip.compress(text.encode("utf-8"), compresslevel=6))
    log.info("saved taxonomy %s (%s) to %s", taxonomy.name, taxonomy.counts(), target)
    return target


def load_taxonomy_file(folder: Path) -> Taxonomy:
    path = folder / FILE_NAME
    if not path.exists():
        raise TaxonomyNotBuilt(f"no taxonomy at {path}: run `matcha taxonomy build` (part of scripts/setup.sh)")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    concepts = {c["uri"]: Concept.from_dict(c) for c in data["concepts"]}
    return Taxonomy(name=data["name"], version=data["version"], source=data["source"], concepts=concepts,
                    groups=data.get("groups", {}), relations=data.get("relations", {}),
                    lexicon_hash=data.get("lexicon_hash", ""))


@lru_cache(maxsize=2)
def load_taxonomy(folder: Path) -> Taxonomy:
    """The taxonomy built under ``folder``, loaded once per process."""
    return load_taxonomy_file(folder)
