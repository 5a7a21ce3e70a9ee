"""Language of a text (lingua, a fixed set of languages common among matcha's users)."""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

_LANGUAGES = [Language.SWEDISH, Language.ENGLISH, Language.ARABIC, Language.PERSIAN, Language.SOMALI,
              Language.TURKISH, Language.POLISH, Language.RUSSIAN, Language.UKRAINIAN, Language.SPANISH,
              Language.FRENCH, Language.GERMAN, Language.FINNISH, Language.DANISH, Language.BOKMAL,
              Language.BOSNIAN, Language.CROATIAN, Language.SERBIAN, Language.ALBANIAN, Language.URDU,
              Language.HINDI, Language.CHINESE, Language.THAI, Language.VIETNAMESE, Language.PORTUGUESE,
              Language.ITALIAN, Language.DUTCH, Language.ROMANIAN, Language.TAGALOG]


@lru_cache(maxsize=1)
def _detector():
    return LanguageDetectorBuilder.from_languages(*_LANGUAGES).with_low_accuracy_mode().build()


def detect_language(text: str, min_confidence: float = 0.5) -> tuple[str, float]:
    """ISO 639-1 code and confidence; ('unknown', c) when no language is clear."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < 3:
        return "unknown", 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return "unknown", 0.0
    best = values[0]
    code = best.language.iso_code_639_1
    name = "nb" if code == IsoCode639_1.NB else code.name.lower()
    if best.value < min_confidence:
        return "unknown", float(best.value)
    return name, float(best.value)


def english_share(text: str) -> float:
    """The detector's confidence that ``text`` is English (0..1): a soft cue for short texts such as job
    titles, whose language a few words cannot settle."""
    if sum(ch.isalpha() for ch in text) < 3:
        return 0.5
    values = _detector().compute_language_confidence_values(text[:5000])
    return next((float(v.value) for v in values if v.language == Language.ENGLISH), 0.0)
