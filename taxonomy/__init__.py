"""The competence taxonomy (ESCO by default): concepts, labels in many languages, relations, hierarchy."""

from taxonomy.model import Concept, LabelEntry, Taxonomy

__all__ = ["Concept", "LabelEntry", "Taxonomy"]
