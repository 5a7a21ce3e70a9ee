"""Which skill an English phrase names: its nearest skills re-ranked by both ranking models, before linking.

The label nearest to a phrase is not always the skill it names: "Plan the weekly lunch menu" is nearer to labels
about lunches than to *plan menus*, whose description says what the phrase does. Skill ranking
(``extractor.concept_ranking``) measures better on the Decorte sets by adding each skill's description and a second
model (multilingual-e5-small, MATCHA_SKILL_FUSION_MODEL). Linking takes that part of it: each phrase's pool (the
POOL nearest skills by each model's label search) is ordered by

    (1 - w) * (cos(phrase, labels) + d * cos(phrase, description))  in all-MiniLM
    +    w  * (cos(phrase, labels) + d * cos(phrase, description))  in e5

(w = skill_fusion_weight, d = skill_description_weight, as for ranking). Whether a phrase names a skill at all is
still decided by its label similarity in the reader's model against the reader's calibrated threshold: the ranking
chooses which skills, the threshold whether any. Without a second model (w = 0, or none set) the order is
all-MiniLM's label and description similarity.
"""

from __future__ import annotations

import numpy as np

from extractor.label_index import DESCRIPTION, ConceptHit
from extractor.resources import Resources, SkillModel

# Nearest skills that each model's label search puts in a phrase's pool.
POOL = 5
_ENGLISH = ("en",)


class LinkRanker:
    """Re-ranks English phrases' nearest skills; the models' vectors are loaded on first use."""

    def __init__(self, resources: Resources) -> None:
        self.r = resources

    def _models(self) -> list[tuple[SkillModel, float]]:
        settings = self.r.settings
        second = self.r.skill_fusion if settings.skill_fusion_weight > 0 else None
        if second is None:
            return [(self.r.skill_model(), 1.0)]
        return [(self.r.skill_model(), 1.0 - settings.skill_fusion_weight), (second, settings.skill_fusion_weight)]

    def rank(self, texts: list[str], vectors: np.ndarray) -> list[list[ConceptHit]]:
        """Each text's pool, best first by the fused score; ``vectors``: the texts in the main model (already
        embedded for linking). A hit's score is its label similarity in the main model (what the link threshold
        is for)."""
        if not texts:
            return []
        models = self._models()
        embedded = [vectors] + [model.encoder.encode(texts) for model, _ in models[1:]]
        pools = [[] for _ in texts]
        for (model, _), model_vectors in zip(models, embedded):
            for pool, hits in zip(pools, model.labels.search(model_vectors, k=POOL, languages=_ENGLISH)):
                pool.extend(h.uri for h in hits if h.uri not in pool)
        description = self.r.settings.skill_description_weight
        ranked = []
        for i, uris in enumerate(pools):
            fused = np.zeros(len(uris), dtype=np.float32)
            label = None
            for (model, weight), model_vectors in zip(models, embedded):
                query = model_vectors[i:i + 1]
                similarity = model.labels.similarities(query, uris, languages=_ENGLISH)[0]
                label = similarity if label is None else label
                fused += weight * similarity
                if model.descriptions is not None:
                    fused += weight * description * model.descriptions.similarities(query, uris, (DESCRIPTION,))[0]
            ranked.append([ConceptHit(uris[j], float(label[j]), self.r.taxonomy.get(uris[j]).label("en"))
                           for j in np.argsort(-fused, kind="stable")])
        return ranked
