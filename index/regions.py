"""Sweden's 21 counties (län) and their 290 municipalities: the region filter of matching."""

from __future__ import annotations

from extractor.errors import InputError

REGIONS: dict[str, tuple[str, ...]] = {
    "Stockholms län": ("Botkyrka", "Danderyd", "Ekerö", "Haninge", "Huddinge", "Järfälla", "Lidingö", "Nacka",
                       "Norrtälje", "Nykvarn", "Nynäshamn", "Salem", "Sigtuna", "Sollentuna", "Solna", "Stockholm",
                       "Sundbyberg", "Södertälje", "Tyresö", "Täby", "Upplands-Bro", "Upplands Väsby", "Vallentuna",
                       "Vaxholm", "Värmdö", "Österåker"),
    "Uppsala län": ("Enköping", "Heby", "Håbo", "Knivsta", "Tierp", "Uppsala", "Älvkarleby", "Östhammar"),
    "Södermanlands län": ("Eskilstuna", "Flen", "Gnesta", "Katrineholm", "Nyköping", "Oxelösund", "Strängnäs",
                          "Trosa", "Vingåker"),
    "Östergötlands län": ("Boxholm", "Finspång", "Kinda", "Linköping", "Mjölby", "Motala", "Norrköping",
                          "Söderköping", "Vadstena", "Valdemarsvik", "Ydre", "Åtvidaberg", "Ödeshög"),
    "Jönköpings län": ("Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö", "Nässjö", "Sävsjö",
                       "Tranås", "Vaggeryd", "Vetlanda", "Värnamo"),
    "Kronobergs län": ("Alvesta", "Lessebo", "Ljungby", "Markaryd", "Tingsryd", "Uppvidinge", "Växjö", "Älmhult"),
    "Kalmar län": ("Borgholm", "Emmaboda", "Hultsfred", "Högsby", "Kalmar", "Mönsterås", "Mörbylånga", "Nybro",
                   "Oskarshamn", "Torsås", "Vimmerby", "Västervik"),
    "Gotlands län": ("Gotland",),
    "Blekinge län": ("Karlshamn", "Karlskrona", "Olofström", "Ronneby", "Sölvesborg"),
    "Skåne län": ("Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs", "Hörby",
                  "Höör", "Klippan", "Kristianstad", "Kävlinge", "Landskrona", "Lomma", "Lund", "Malmö", "Osby",
                  "Perstorp", "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv", "Svedala", "Tomelilla",
                  "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm", "Örkelljunga", "Östra Göinge"),
    "Hallands län": ("Falkenberg", "Halmstad", "Hylte", "Kungsbacka", "Laholm", "Varberg"),
    "Västra Götalands län": ("Ale", "Alingsås", "Bengtsfors", "Bollebygd", "Borås", "Dals-Ed", "Essunga",
                             "Falköping", "Färgelanda", "Grästorp", "Gullspång", "Göteborg", "Götene", "Herrljunga",
                             "Hjo", "Härryda", "Karlsborg", "Kungälv", "Lerum", "Lidköping", "Lilla Edet", "Lysekil",
                             "Mariestad", "Mark", "Mellerud", "Munkedal", "Mölndal", "Orust", "Partille", "Skara",
                             "Skövde", "Sotenäs", "Stenungsund", "Strömstad", "Svenljunga", "Tanum", "Tibro",
                             "Tidaholm", "Tjörn", "Tranemo", "Trollhättan", "Töreboda", "Uddevalla", "Ulricehamn",
                             "Vara", "Vårgårda", "Vänersborg", "Åmål", "Öckerö"),
    "Värmlands län": ("Arvika", "Eda", "Filipstad", "Forshaga", "Grums", "Hagfors", "Hammarö", "Karlstad", "Kil",
                      "Kristinehamn", "Munkfors", "Storfors", "Sunne", "Säffle", "Torsby", "Årjäng"),
    "Örebro län": ("Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla", "Laxå", "Lekeberg",
                   "Lindesberg", "Ljusnarsberg", "Nora", "Örebro"),
    "Västmanlands län": ("Arboga", "Fagersta", "Hallstahammar", "Kungsör", "Köping", "Norberg", "Sala",
                         "Skinnskatteberg", "Surahammar", "Västerås"),
    "Dalarnas län": ("Avesta", "Borlänge", "Falun", "Gagnef", "Hedemora", "Leksand", "Ludvika", "Malung-Sälen",
                     "Mora", "Orsa", "Rättvik", "Smedjebacken", "Säter", "Vansbro", "Älvdalen"),
    "Gävleborgs län": ("Bollnäs", "Gävle", "Hofors", "Hudiksvall", "Ljusdal", "Nordanstig", "Ockelbo", "Ovanåker",
                       "Sandviken", "Söderhamn"),
    "Västernorrlands län": ("Härnösand", "Kramfors", "Sollefteå", "Sundsvall", "Timrå", "Ånge", "Örnsköldsvik"),
    "Jämtlands län": ("Berg", "Bräcke", "Härjedalen", "Krokom", "Ragunda", "Strömsund", "Åre", "Östersund"),
    "Västerbottens län": ("Bjurholm", "Dorotea", "Lycksele", "Malå", "Nordmaling", "Norsjö", "Robertsfors",
                          "Skellefteå", "Sorsele", "Storuman", "Umeå", "Vilhelmina", "Vindeln", "Vännäs", "Åsele"),
    "Norrbottens län": ("Arjeplog", "Arvidsjaur", "Boden", "Gällivare", "Haparanda", "Jokkmokk", "Kalix", "Kiruna",
                        "Luleå", "Pajala", "Piteå", "Älvsbyn", "Överkalix", "Övertorneå"),
}


def _aliases(region: str) -> set[str]:
    """'Örebro län', 'Region Örebro län', 'Örebro', 'Västra Götaland', 'Stockholms' ... (casefolded)."""
    base = region.casefold().removesuffix(" län")
    names = {region.casefold(), base, f"region {region.casefold()}", f"region {base}"}
    if base.endswith("s") and base not in ("kalmar",):
        names.add(base[:-1])
    return names


_LOOKUP = {alias: region for region in REGIONS for alias in _aliases(region)}


def region_of(name: str) -> str:
    """The county a region name means; an unknown name is an input error that lists the known ones."""
    region = _LOOKUP.get(" ".join(name.split()).casefold())
    if region is None:
        raise InputError("unknown_region", f"unknown region {name!r}; use a county (län), e.g. "
                         f"{', '.join(list(REGIONS)[:4])}, ...")
    return region


def municipalities_in(name: str) -> tuple[str, ...]:
    return REGIONS[region_of(name)]
