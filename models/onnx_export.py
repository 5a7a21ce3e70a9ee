"""Export a sentence-transformers model to ONNX once (set-up time; needs torch), checked against the original.

Only the transformer goes into the graph; pooling (mean or CLS) and normalisation stay in numpy
(``models.onnx_encoder``). A model with other modules (dense layers, prompts) is marked unsupported and keeps
running on sentence-transformers. The export is used only if its vectors equal the original's (cosine >= 0.9999
on texts of mixed lengths in one batch), so label vectors cached by either back-end stay valid.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from models.encoders import ModelNotFound, SentenceTransformerEncoder
from models.onnx_encoder import EXPORT_META, OnnxEncoder, model_fingerprint

log = logging.getLogger(__name__)

TOKEN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
CHECK_TEXTS = ["svetsare", "MIG/MAG-svetsning och truckkort", "manage staff",
               "Registered nurse with five years in intensive care, medication management and patient records.",
               "x", " ".join(["long input that is truncated at the model's longest sequence"] * 60)]
MIN_COSINE = 0.9999


class OnnxExportError(RuntimeError):
    pass


def _pipeline(model) -> tuple[str, bool]:
    """(pooling, normalize) of a Transformer -> Pooling [-> Normalize] model; OnnxExportError otherwise."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise OnnxExportError(f"modules {kinds} are not Transformer, Pooling[, Normalize]")
    if getattr(model, "default_prompt_name", None):
        raise OnnxExportError("the model adds a default prompt")
    pooling = model[1]
    mode = getattr(pooling, "pooling_mode", None) or pooling.get_pooling_mode_str()
    if mode not in ("mean", "cls"):
        raise OnnxExportError(f"pooling {mode!r} is not mean or cls")
    return mode, kinds[-1] == "Normalize"


def _export_graph(model, inputs: list[str], path: Path) -> None:
    import torch

    transformer = model[0].auto_model.eval()

    class TokenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.transformer(**dict(zip(inputs, tensors))).last_hidden_state

    sample = model.tokenizer(["a short text", "a somewhat longer text for the trace"], padding=True,
                             return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in [*inputs, "token_states"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and deprecation notes; the result is checked below
        torch.onnx.export(TokenStates(), tuple(sample[name] for name in inputs), str(path), input_names=inputs,
                          output_names=["token_states"], dynamic_axes=axes, opset_version=17, dynamo=False)


def export_onnx(name: str, folder: Path) -> Path:
    """Write the ONNX export of model ``name`` into ``folder`` and check it; on failure record why (so later
    starts do not try again for the same weights) and raise OnnxExportError."""
    fingerprint = model_fingerprint(name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="export-", dir=folder))  # private: two processes may export at once
    except OSError as exc:
        raise OnnxExportError(f"cannot write an export to {folder}: {exc}") from exc
    try:
        original = SentenceTransformerEncoder(name, batch_size=8)
        model = original.model
        pooling, normalize = _pipeline(model)
        tokenizer = model.tokenizer
        if not getattr(tokenizer, "is_fast", False):
            raise OnnxExportError("the model has no fast tokenizer (tokenizer.json)")
        inputs = [n for n in TOKEN_INPUTS if n in tokenizer(["x"])]
        _export_graph(model, inputs, tmp / "model.onnx")
        tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"))
        meta = {"ok": True, "model": name, "fingerprint": fingerprint, "dim": original.dim, "pooling": pooling,
                "normalize": normalize, "max_length": int(model.max_seq_length), "inputs": inputs,
                "pad_id": int(tokenizer.pad_token_id or 0), "pad_token": str(tokenizer.pad_token)}
        (tmp / EXPORT_META).write_text(json.dumps(meta, indent=1))
        cosine = float(np.min(np.sum(OnnxEncoder(tmp, name).encode(CHECK_TEXTS) * original.encode(CHECK_TEXTS),
                                     axis=1)))
        if cosine < MIN_COSINE:
            raise OnnxExportError(f"ONNX vectors differ from the model's (least cosine {cosine:.5f})")
    except Exception as exc:  # noqa: BLE001 - any failure means: keep sentence-transformers
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, ModelNotFound):
            raise  # not a property of the model: nothing to record
        if isinstance(exc, OSError):  # a full or read-only disk: try again next time
            raise OnnxExportError(f"cannot write an export to {folder}: {exc}") from exc
        reason = str(exc) if isinstance(exc, OnnxExportError) else f"{type(exc).__name__}: {exc}"
        try:
            (folder / EXPORT_META).write_text(json.dumps({"ok": False, "model": name, "fingerprint": fingerprint,
                                                          "reason": reason}))
        except OSError:
            log.warning("could not record that %s cannot be exported", name)
        raise OnnxExportError(reason) from exc
    try:
        for file in ("model.onnx", "tokenizer.json", EXPORT_META):  # export.json last: it makes the export count
            os.replace(tmp / file, folder / file)
        tmp.rmdir()
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OnnxExportError(f"cannot write an export to {folder}: {exc}") from exc
    log.info("exported %s to ONNX in %s (least cosine to the original %.6f)", name, folder, cosine)
    return folder
