"""Swedish word forms where they decide a match.

- Past tense and supine of verbs: spaCy's lookup table misses or misreads some ("drog" -> "droga", "tog" ->
  "toga", "körde" -> "körd", "gjöt" -> none). Strong and irregular verbs are listed; weak verbs of the taxonomy's
  labels get their regular forms ("packa" -> "packade", "packat"; "köra" -> "körde", "kört").
- Compounds both ways: a verb phrase label "lägga golv" is also met as the compound noun "golvläggning", and a
  compound noun label "blodprovstagning" as the verb phrase "ta blodprov" ("tog blodprover").
"""

from __future__ import annotations

# Strong and irregular verbs: past and supine forms -> infinitive (the forms CVs use).
_IRREGULAR = {
    "dra": "drog drogs dragit dragits", "ta": "tog togs tagit tagits", "lägga": "lade la lagt lades",
    "ge": "gav gett givit gavs", "gjuta": "gjöt gjutit göt", "sätta": "satte satt satts", "göra": "gjorde gjort",
    "skära": "skar skurit", "bära": "burit", "driva": "drev drivit", "skriva": "skrev skrivit",
    "hålla": "höll hållit", "gå": "gick gått", "få": "fick fått", "se": "sett", "stå": "stod stått",
    "sälja": "sålde sålt", "välja": "valde valt", "bryta": "bröt brutit", "slå": "slog slagit",
    "binda": "band bundit", "bjuda": "bjöd bjudit", "riva": "rev rivit", "stryka": "strök strukit",
    "sprida": "spred spridit", "bygga": "byggde byggt", "sköta": "skötte skött", "köra": "körde kört",
    "lära": "lärde lärt", "följa": "följde följt", "ställa": "ställde ställt", "hjälpa": "hjälpte hjälpt",
    "frysa": "frös frusit", "knyta": "knöt knutit", "skjuta": "skjutit", "stryka ut": "strök ut",
    "vrida": "vred vridit", "dricka": "drack druckit", "äta": "åt ätit", "sova": "sov sovit",
    "vara": "var varit", "komma": "kom kommit", "finna": "fann funnit", "gripa": "grep gripit",
    "klyva": "klöv kluvit", "smörja": "smorde smort", "tvätta": "tvättade tvättat", "sy": "sydde sytt",
    "bo": "bodde bott", "tro": "trodde trott", "nå": "nådde nått", "förstå": "förstod förstått",
    "formsätta": "formsatte formsatt", "bestå": "bestod bestått", "inse": "insåg insett",
    "tillse": "tillsåg tillsett", "ange": "angav angett", "omge": "omgav omgett", "utge": "utgav utgett",
}
IRREGULAR_FORMS: dict[str, str] = {form: verb for verb, forms in _IRREGULAR.items() if " " not in verb
                                   for form in forms.split()}


def weak_forms(verb: str) -> list[str]:
    """Regular past and supine forms of an infinitive: "packa" -> packade, packat; "köra" -> körde, kört;
    "läsa" -> läste, läst."""
    if len(verb) < 3 or not verb.endswith("a"):
        return []
    stem = verb[:-1]
    forms = [stem + "ade", stem + "at", stem + "ades"]   # group 1 (packa)
    if stem[-1] in "kpstx":                              # group 2b (läsa, köpa)
        forms += [stem + "te", stem + "t"]
    elif not stem.endswith(("r", "d", "t")) or stem.endswith("r"):
        forms += [stem + "de", stem + "t"]               # group 2a (köra, bygga -> byggde)
    return forms


def nominalisations(verb: str) -> list[str]:
    """Action nouns of a verb, as compounds end in them: lägga -> läggning, montera -> montering, ta -> tagning;
    a stem in r takes either ending (köra -> körning, rengöra -> rengöring; the form a verb does not take is
    never written, so it matches nothing)."""
    if verb == "ta":
        return ["tagning"]
    if len(verb) < 4 or not verb.endswith("a"):
        return []
    if verb.endswith("era"):
        return [verb[:-1] + "ing"]
    if verb.endswith("ra"):
        return [verb[:-1] + "ning", verb[:-1] + "ing"]
    return [verb[:-1] + "ning"]


def nominal_phrases(phrase: str) -> list[str]:
    """"planera transporter" -> ["planering av transporter"]: a verb phrase in the nominal style of CVs and ads
    (action noun, "av", the object); a verb in -era also in -ation ("installera värmepumpar" -> "installation av
    värmepumpar"). Only here, not in compounds: "motorreparation" read as "reparera motor" reached "reparerade elfel
    i maskiner och motorer"."""
    verb, *rest = phrase.lower().split()
    nouns = nominalisations(verb) + ([verb[:-3] + "ation"] if verb.endswith("era") and len(verb) > 6 else [])
    return [f"{noun} av {' '.join(rest)}" for noun in nouns] if rest else []


def compound_of_phrase(phrase: str) -> list[str]:
    """"lägga golv" -> ["golvläggning", "golvsläggning"]: the compound nouns of a two-word verb phrase."""
    words = phrase.lower().split()
    if len(words) != 2 or not words[1].isalpha():
        return []
    verb, obj = words
    return [obj + link + noun for noun in nominalisations(verb) for link in ("", "s")]


def phrase_of_compound(word: str, verbs: dict[str, str]) -> list[str]:
    """"golvläggning" -> ["lägga golv"] where "läggning" is the action noun of a known verb (``verbs``: action
    noun -> verb). A linking s is dropped ("blodprovstagning" -> "ta blodprov")."""
    word = word.lower()
    for cut in range(3, len(word) - 5):
        verb = verbs.get(word[cut:])
        if verb and word[:cut].isalpha():
            head = word[:cut]
            return [f"{verb} {head}"] + ([f"{verb} {head[:-1]}"] if head.endswith("s") and cut >= 4 else [])
    return []
