"""Label look-up for autocomplete: prefix and substring matches over labels in every language; an alternative
label audited as mostly meaning something else alone (``taxonomy.label_audit``: "packing" of *packaging
engineering*) ranks as a substring match, below the labels that mean what they say."""

from __future__ import annotations

from taxonomy.model import Kind, Taxonomy


def search_labels(taxonomy: Taxonomy, query: str, kind: Kind, limit: int = 10) -> list[dict]:
    q = query.strip().lower()
    if not q:
        return []
    scored: dict[str, tuple[int, str, str]] = {}
    for concept in taxonomy.of_kind(kind):
        for lang in set(concept.labels) | set(concept.alt_labels):
            for label in concept.labels_in(lang):
                low = label.lower()
                if not low or q not in low:
                    continue
                rank = 0 if low == q else 1 if low.startswith(q) else 2 if f" {q}" in f" {low}" else 3
                preferred = label == concept.labels.get(lang)
                if not preferred and not taxonomy.is_matched(concept.uri, lang, label):
                    rank = 3  # an alternative label audited as mostly meaning something else: a mere substring
                rank = rank * 2 + (0 if preferred else 1)
                if concept.uri not in scored or rank < scored[concept.uri][0]:
                    scored[concept.uri] = (rank, label, lang)
    best = sorted(scored.items(), key=lambda item: (item[1][0], len(item[1][1]), item[1][1]))[:limit]
    return [{"uri": uri, "label": taxonomy.concepts[uri].label("en"),
             "label_sv": taxonomy.concepts[uri].labels.get("sv"), "matched": label, "lang": lang}
            for uri, (rank, label, lang) in best]
