"""Which skills a phrase names, before linking: an English phrase's nearest skills re-ranked by both ranking models
(``LinkRanker``); a non-English phrase's nearest skills, those that stand out from the rest (``standing_out``).

The label nearest to a phrase is not always the skill it names: "Plan the weekly lunch menu" is nearer to labels
about lunches than to *plan menus*, whose description says what the phrase does. Skill ranking
(``extractor.concept_ranking``) measures better on the Decorte sets by adding each skill's description and a second
model (multilingual-e5-small, MATCHA_SKILL_FUSION_MODEL). Linking takes that part of it: each phrase's pool (the
POOL nearest skills by each model's label search) is ordered by skill ranking's own score
(``SkillCandidates.scores``) without its phrase and label-found parts:

    (1 - w) * (cos(phrase, labels) + d * cos(phrase, description))  in all-MiniLM
    +    w  * (cos(phrase, labels) + d * cos(phrase, description))  in e5

(w = skill_fusion_weight, d = skill_description_weight, as for ranking; a label similarity below 0 counts as
0). Whether a phrase names a skill at all is still decided by its label similarity in the reader's model against
the reader's calibrated threshold: the ranking chooses which skills, the threshold whether any. Without a second
model (w = 0, or none set) the order is all-MiniLM's label and description similarity.
"""

from __future__ import annotations

import numpy as np

from extractor.concept_ranking import ModelParts, SkillCandidates, SkillWeights
from extractor.label_index import DESCRIPTION, ConceptHit
from extractor.resources import Resources, SkillModel

# Nearest skills that each model's label search puts in a phrase's pool.
POOL = 5
_ENGLISH = ("en",)
# The nearest skills whose mean similarity is a phrase's local level (``standing_out``).
LOCAL = 5


def standing_out(hits: list[ConceptHit], margin: float, local: int = LOCAL) -> list[ConceptHit]:
    """The hits (a phrase's nearest skills, best first) that stand at least ``margin`` above the mean similarity of
    the phrase's ``local`` nearest: what the phrase names rather than its neighbourhood. In e5's compressed space
    a short Swedish phrase can be 0.95 from several skills that share a word ("lossade och lastade lastbilar":
    *lossning och lastning vid kaj*, *lastning*, ...) while the skill it names stands out from its neighbours at
    0.93 ("Körde i stadsmiljö i Malmö": *köra i stadstrafik*, the next four at 0.88-0.89). A local scale as in
    cross-lingual retrieval's CSLS, on the phrase's side only. ``margin`` 0 keeps every hit."""
    if margin <= 0 or not hits:
        return hits
    level = float(np.mean([h.score for h in hits[:local]]))
    return [h for h in hits if h.score - level >= margin]


class LinkRanker:
    """Re-ranks English phrases' nearest skills; the models' vectors are loaded on first use."""

    def __init__(self, resources: Resources) -> None:
        self.r = resources

    def _models(self) -> list[SkillModel]:
        """The main model, and the second one where it has weight (as ``ConceptRanker.rank_skills`` chooses)."""
        second = self.r.skill_fusion if self.r.settings.skill_fusion_weight > 0 else None
        return [self.r.skill_model()] + ([second] if second is not None else [])

    def rank(self, texts: list[str], vectors: np.ndarray) -> list[list[ConceptHit]]:
        """Each text's pool, best first by the fused score; ``vectors``: the texts in the main model (already
        embedded for linking). A hit's score is its label similarity in the main model (what the link threshold
        is for)."""
        if not texts:
            return []
        settings = self.r.settings
        # Skill ranking's score without its phrase and label-found parts (no phrase search, no bonus).
        weights = SkillWeights(description=settings.skill_description_weight, fusion=settings.skill_fusion_weight)
        models = self._models()
        embedded = [vectors] + [model.encoder.encode(texts) for model in models[1:]]
        pools: list[list[str]] = [[] for _ in texts]
        for model, model_vectors in zip(models, embedded):
            for pool, hits in zip(pools, model.labels.search(model_vectors, k=POOL, languages=_ENGLISH)):
                pool.extend(h.uri for h in hits if h.uri not in pool)
        ranked = []
        for i, uris in enumerate(pools):
            none, every = np.zeros(len(uris), dtype=bool), np.ones(len(uris), dtype=bool)
            parts = [self._parts(model, model_vectors[i], uris, every)
                     for model, model_vectors in zip(models, embedded)]
            labels = [self.r.taxonomy.get(uri).label("en") for uri in uris]
            fused = SkillCandidates(uris, labels, none, none, parts).scores(weights)
            ranked.append([ConceptHit(uris[j], float(parts[0].label[j]), labels[j])
                           for j in np.argsort(-fused, kind="stable")])
        return ranked

    @staticmethod
    def _parts(model: SkillModel, query: np.ndarray, uris: list[str], found: np.ndarray) -> ModelParts:
        described = (model.descriptions.similarity(query, uris, (DESCRIPTION,)) if model.descriptions is not None
                     else np.zeros(len(uris), dtype=np.float32))
        return ModelParts(label=model.labels.similarity(query, uris, _ENGLISH),
                          phrase=np.zeros(len(uris), dtype=np.float32), description=described, found=found)
