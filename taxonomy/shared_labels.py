"""Alternative labels that name a more general concept first.

ESCO gives some specific skills an alternative label that is a more general skill's preferred label: *work in
textile manufacturing teams* has "work in team", the preferred label of *work in teams*; *consumer electronics* has
"electronics". Found in a text, such a label names the general concept; matched for the specific one too, it puts
a sector the text never mentions into the profile ("Work in Scrum team with developers" → *work in textile
manufacturing teams*). Such an alternative label stays a name of its concept (explanations, search) but is not
matched in text (``Taxonomy.unmatch``), in the phrase patterns and in the label vectors alike. Only where the
concept's own preferred label extends the other one (all its words, and more): "CSS", an alternative label of *style
sheet languages* and the preferred label of *CSS*, stays matched for both, since a text naming CSS shows both. No
word list: the taxonomy's own preferred labels decide.
"""

from __future__ import annotations

import re
from collections import defaultdict

from taxonomy.model import Kind, Taxonomy

_WORD = re.compile(r"\w+")


def label_form(text: str) -> str:
    """A label's form for comparison: its words in lower case, a plural "s" folded ("work in teams" and "work in
    team" are one form)."""
    words = _WORD.findall(text.casefold())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def shared_alternative_labels(taxonomy: Taxonomy, kind: Kind = "skill") -> list[tuple[str, str, str]]:
    """(uri, language, label) of every alternative label of a ``kind`` concept whose form is the preferred label of
    exactly one other concept of that kind, in the same language, a label the concept's own preferred label extends
    (all its words, and more): the alternative names the more general concept. The reverse stays: "SQL" is an
    alternative label of *database management systems* and the preferred label of *SQL*, and a text naming SQL
    shows both."""
    concepts = list(taxonomy.of_kind(kind))
    own_form = {(c.uri, lang): label_form(label) for c in concepts for lang, label in c.labels.items()}
    owners_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (uri, lang), form in own_form.items():
        owners_of[lang, form].add(uri)
    shared = []
    for concept in concepts:
        for lang, alternatives in concept.alt_labels.items():
            own = own_form.get((concept.uri, lang))
            for label in alternatives:
                form = label_form(label)
                owners = owners_of.get((lang, form), set())
                if (own is not None and len(owners) == 1 and concept.uri not in owners
                        and set(form.split()) < set(own.split())):
                    shared.append((concept.uri, lang, label))
    return shared


def unmatch_shared_alternative_labels(taxonomy: Taxonomy, kind: Kind = "skill") -> int:
    """Mark the shared alternative labels as not matched in text; returns how many."""
    shared = shared_alternative_labels(taxonomy, kind)
    for uri, lang, label in shared:
        taxonomy.unmatch(uri, lang, label)
    return len(shared)
