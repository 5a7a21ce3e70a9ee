"""ESCO's own Swedish occupation labels (``taxonomy/data/esco_occupations_sv.tsv``), overlaid on a taxonomy
that has none: the registry packages carry English only. An official ESCO CSV import with Swedish files keeps
its own labels (this overlay then leaves those concepts alone)."""

from __future__ import annotations

from pathlib import Path

from taxonomy.model import Taxonomy

DATA_FILE = Path(__file__).parent / "data" / "esco_occupations_sv.tsv"


def read_esco_swedish(path: Path = DATA_FILE) -> list[tuple[str, bool, str]]:
    """(URI, preferred, label) rows, preferred labels first per URI."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        uri, preferred, label = line.split("\t")
        rows.append((uri, preferred == "1", label))
    return rows


def apply_esco_swedish(taxonomy: Taxonomy, rows: list[tuple[str, bool, str]]) -> int:
    """Add the rows' labels to concepts without Swedish labels; returns how many concepts got them."""
    without = {uri for uri, c in taxonomy.concepts.items() if "sv" not in c.labels and "sv" not in c.alt_labels}
    owners: dict[str, set[str]] = {}
    for uri, _, label in rows:
        owners.setdefault(label.lower(), set()).add(uri)
    touched = set()
    for uri, preferred, label in rows:
        # An alternative label that names several occupations ("maskinoperatör") tells none of them apart.
        if uri in without and (preferred or len(owners[label.lower()]) == 1):
            taxonomy.concepts[uri].add_label("sv", label, preferred=preferred)
            touched.add(uri)
    return len(touched)
