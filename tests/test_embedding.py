"""The two embedding back-ends: the ONNX export gives the sentence-transformers vectors; stale or unsupported
exports are handled (re-export, or fall back)."""

from __future__ import annotations

import json
import os
import shutil

import numpy as np
import pytest

from models.embedding import get_encoder
from models.encoders import ModelNotFound, SentenceTransformerEncoder, export_folder, resolve_model_path
from models.onnx_encoder import EXPORT_META, OnnxEncoder, OnnxExportMissing, OnnxUnsupported
from models.onnx_export import export_onnx

MODEL = "all-MiniLM-L6-v2"
TEXTS = ["svetsare", "Jag har truckkort och B-körkort.", "manage a team of nurses in intensive care",
         "a", "Kubernetes, Docker and CI/CD pipelines " * 80, ""]


@pytest.fixture(scope="module")
def original() -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(MODEL)


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple:
    folder = tmp_path_factory.mktemp("models") / "minilm"
    export_onnx(MODEL, folder)
    return folder


def test_onnx_export_gives_the_same_vectors_in_input_order(original, exported):
    onnx = OnnxEncoder(exported, MODEL, batch_size=2)  # several batches, sorted by length inside
    a, b = onnx.encode(TEXTS), original.encode(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.9999
    # Input order is kept: each row is its own text's vector, not a neighbour's.
    assert float(np.sum(a[0] * b[2])) < 0.9
    assert onnx.encode([]).shape == (0, 384)


def test_export_from_other_weights_is_not_used(exported, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(exported, folder)
    meta = json.loads((folder / EXPORT_META).read_text())
    (folder / EXPORT_META).write_text(json.dumps({**meta, "fingerprint": "0000"}))
    with pytest.raises(OnnxExportMissing):
        OnnxEncoder(folder, MODEL)
    (folder / EXPORT_META).unlink()
    with pytest.raises(OnnxExportMissing):
        OnnxEncoder(folder, MODEL)


def test_auto_exports_once_then_loads_the_export(tmp_path):
    encoder = get_encoder(MODEL, 16, "auto", tmp_path)
    assert encoder.backend == "onnx"
    model_file = export_folder(tmp_path, MODEL) / "model.onnx"
    made = model_file.stat().st_mtime_ns
    get_encoder.cache_clear()
    again = get_encoder(MODEL, 16, "auto", tmp_path)
    assert again.backend == "onnx" and model_file.stat().st_mtime_ns == made  # not exported twice


def test_a_model_onnx_cannot_run_falls_back_or_fails_clearly(tmp_path):
    from sentence_transformers import SentenceTransformer, models

    # A real model the export does not cover: max pooling.
    transformer = models.Transformer(resolve_model_path(MODEL))
    pooled = SentenceTransformer(modules=[transformer, models.Pooling(384, pooling_mode="max")], device="cpu")
    path = tmp_path / "max-pooled"
    pooled.save(str(path))
    models_dir = tmp_path / "models"
    get_encoder.cache_clear()
    encoder = get_encoder(str(path), 16, "auto", models_dir)
    assert encoder.backend == "torch"
    meta = json.loads((export_folder(models_dir, str(path)) / EXPORT_META).read_text())
    assert meta["ok"] is False and "max" in meta["reason"]
    with pytest.raises(OnnxUnsupported):  # remembered: later starts do not try again
        OnnxEncoder(export_folder(models_dir, str(path)), str(path))
    get_encoder.cache_clear()
    with pytest.raises(ModelNotFound, match="onnxruntime"):
        get_encoder(str(path), 16, "onnx", models_dir)
    assert not any(p.name.startswith("export-") for p in export_folder(models_dir, str(path)).iterdir())


def test_a_missing_model_is_not_recorded_as_unsupported(tmp_path):
    get_encoder.cache_clear()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelNotFound):
        get_encoder(str(tmp_path / "no-such-model-here"), 16, "auto", tmp_path / "models")
    assert not (export_folder(tmp_path / "models", str(tmp_path / "no-such-model-here")) / EXPORT_META).exists()


def test_an_unwritable_models_folder_falls_back_without_recording(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the models folder would go")
    get_encoder.cache_clear()
    encoder = get_encoder(MODEL, 16, "auto", blocker / "models")
    assert encoder.backend == "torch" and encoder.encode(["svetsare"]).shape == (1, 384)
    get_encoder.cache_clear()
    with pytest.raises(ModelNotFound, match="cannot write"):
        get_encoder(MODEL, 16, "onnx", blocker / "models")
