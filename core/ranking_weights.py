"""The ranking weights: one documented config, read by the settings (env ``MATCHA_RANKING__<NAME>``)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RankingWeights(BaseModel):
    """The one config of the ranking (``MATCHA_RANKING__SEMANTIC=0.4`` etc.). The defaults of the score parts and
    the fusion were tuned on the tune split of eval/data/match_sets (``matcha eval match``), never on its report
    split: BM25 tuned to 0 there (on a Swedish-English collection it ranks documents of the query's language
    first); the concept channel was kept at 1 where it tuned to 0 for a gain of 0.4% of the objective, so that
    retrieval in a large collection still finds documents by their competences."""

    semantic: float = Field(0.60, ge=0, description="Weight of the cosine of the documents' concept vectors.")
    essential: float = Field(0.20, ge=0, description="Weight of the coverage of the ad's essential skills.")
    optional: float = Field(0.10, ge=0, description="Weight of the coverage of the ad's nice-to-have skills.")
    occupation: float = Field(0.10, ge=0, description="Weight of occupation proximity.")
    related_credit: float = Field(0.5, ge=0, le=1, description="Credit for a skill covered by a related skill.")
    related_group_max: int = Field(200, description="Largest ESCO skill group whose members count as related.")
    unmet_factor: float = Field(0.7, ge=0, le=1, description="Score factor per unmet language or licence "
                                                              "requirement (0 excludes such matches).")
    retrieve: int = Field(100, ge=10, description="Candidates each channel retrieves, and candidates kept after "
                                                 "fusion for re-ranking (at least 5 x top).")
    fused: float = Field(0.10, ge=0, description="Weight of the fused retrieval rank (reciprocal rank fusion of "
                                                 "the concept, lexical and whole-text channels, scaled to 0..1).")
    concept_channel: float = Field(1.0, ge=0, description="Weight of the concept-vector ranking in the fusion.")
    lexical_channel: float = Field(0.0, ge=0, description="Weight of the BM25 ranking of the masked text in the "
                                                          "fusion (0 turns the channel off).")
    text_channel: float = Field(2.0, ge=0, description="Weight of the whole-text embedding ranking in the fusion "
                                                       "(0 turns the channel off).")
    rrf_k: float = Field(60.0, gt=0, description="Reciprocal rank fusion constant: weight / (rrf_k + rank).")
    coverage_prior: float = Field(0.3, ge=0, le=1, description="Coverage an ad's requirements are shrunk "
                                                               "towards when it states few of them.")
    coverage_prior_weight: float = Field(2.0, ge=0, description="How many fully specific requirements the prior "
                                                                "counts as: an ad with few extracted "
                                                                "requirements cannot win on them alone.")
