"""Sentence embeddings from an ONNX export, with onnxruntime and the model's own fast tokenizer (no torch).

The export folder (made by ``models.onnx_export``) holds ``model.onnx`` (the transformer: token ids in, token
states out), ``tokenizer.json`` and ``export.json`` (pooling, normalisation, longest input, and the fingerprint
of the model folder it was made from). Pooling and normalisation are done here, as sentence-transformers does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from models.encoders import Encoder, resolve_model_path

log = logging.getLogger(__name__)

EXPORT_META = "export.json"


class OnnxExportMissing(RuntimeError):
    """No usable export for this model (none yet, or made from other weights): make one."""


class OnnxUnsupported(RuntimeError):
    """An earlier export attempt found that this model cannot run from ONNX here."""


def model_fingerprint(name: str) -> str:
    """Names, sizes and times of the model folder's files: changes when the weights do."""
    path = Path(resolve_model_path(name))
    if not path.is_dir():
        return f"name:{name}"
    digest = hashlib.sha1()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        stat = file.stat()
        digest.update(f"{file.relative_to(path)}\t{stat.st_size}\t{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def read_export_meta(folder: Path, name: str) -> dict:
    """The export's description, if it was made from the current weights of ``name``."""
    try:
        meta = json.loads((folder / EXPORT_META).read_text())
    except (OSError, ValueError):
        raise OnnxExportMissing(f"no ONNX export of {name} in {folder}") from None
    if meta.get("fingerprint") != model_fingerprint(name):
        raise OnnxExportMissing(f"the ONNX export in {folder} was made from other weights")
    if not meta.get("ok"):
        raise OnnxUnsupported(meta.get("reason", "export failed"))
    return meta


class OnnxEncoder(Encoder):
    backend = "onnx"

    def __init__(self, folder: Path, name: str, batch_size: int = 128, threads: int = 0) -> None:
        meta = read_export_meta(folder, name)
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise OnnxUnsupported(f"onnxruntime is not installed ({exc})") from exc
        self.name, self.batch_size, self.dim = name, batch_size, int(meta["dim"])
        self.pooling: str = meta["pooling"]
        self.normalize: bool = meta["normalize"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(meta["max_length"]))
        self.tokenizer.enable_padding(pad_id=int(meta["pad_id"]), pad_token=meta["pad_token"])
        options = ort.SessionOptions()
        if threads:  # else onnxruntime's default: a thread per core, spinning while it waits for work
            options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        log.info("loaded embedding model %s (%d-d, ONNX export in %s)", name, self.dim, folder)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Batches of similar length (less padding), results in input order."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        starts = range(0, len(order), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="embedding", unit="batch")
        for start in starts:
            rows = order[start:start + self.batch_size]
            out[rows] = self._encode_batch([texts[i] for i in rows])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        columns = {"input_ids": [e.ids for e in encodings], "attention_mask": [e.attention_mask for e in encodings],
                   "token_type_ids": [e.type_ids for e in encodings]}
        feed = {name: np.asarray(columns[name], dtype=np.int64) for name in self.inputs}
        states = self.session.run(None, feed)[0]
        mask = np.asarray(columns["attention_mask"], dtype=np.float32)[..., None]
        if self.pooling == "cls":
            vectors = states[:, 0]
        else:  # mean over real tokens
            vectors = (states * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        if self.normalize:
            vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors.astype(np.float32)
