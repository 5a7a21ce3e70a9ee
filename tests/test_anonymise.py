"""Competence-first masking of personal details (no model needed)."""

from __future__ import annotations

from extractor.anonymise import MASK, mask_personal_details

SWEDISH = """Ahmad Karimi
Storgatan 12, 702 10 Örebro
ahmad.karimi@example.se | 070-123 45 67
Född: 1985-03-04
Kön: Man
Nationalitet: Afghansk
Personnummer: 850304-1234

Profil
Svetsare född i Kabul med 10 års erfarenhet av MIG/MAG-svetsning. Ahmad är noggrann.
Arbetade 2012 – 2016 på Kabul Steel, Afghanistan.
"""


def test_swedish_personal_details_are_masked_and_kept_apart():
    masked = mask_personal_details(SWEDISH)
    for detail in ("Ahmad", "Karimi", "Storgatan", "702 10", "ahmad.karimi@example.se", "070-123 45 67",
                   "1985-03-04", "Man\n", "Afghansk", "850304-1234", "Kabul", "Afghanistan"):
        assert detail not in masked.text, detail
    # Competences, years and headings stay.
    for kept in ("Profil", "Svetsare", "10 års erfarenhet av MIG/MAG-svetsning", "2012 – 2016", "noggrann",
                 "Kön: ", "Nationalitet: "):
        assert kept in masked.text, kept
    assert masked.contact.name == "Ahmad Karimi"
    assert masked.contact.email == "ahmad.karimi@example.se"
    assert masked.contact.phone == "070-123 45 67"
    assert {kind for kind, _ in masked.masked} >= {"name", "address", "email", "phone", "birth", "origin", "other"}


def test_english_details_and_international_phone_numbers():
    text = ("Maryam Hosseini\nVästerås | maryam.h@example.com | +46 70 000 00 00\nAge: 41\nGender: female\n"
            "Date of birth: 12 May 1983\nBorn in Tehran, Iran. linkedin.com/in/maryam\n\n"
            "Summary\nRegistered nurse, 8 years in intensive care (2014 - 2022).")
    masked = mask_personal_details(text)
    for detail in ("Maryam", "Hosseini", "maryam.h@example.com", "+46 70 000 00 00", "41", "female", "1983",
                   "Tehran", "Iran", "linkedin.com"):
        assert detail not in masked.text, detail
    assert "Registered nurse, 8 years in intensive care (2014 - 2022)." in masked.text
    assert masked.contact.phone == "+46 70 000 00 00"


def test_swapped_details_give_the_same_masked_text():
    other = (SWEDISH.replace("Ahmad Karimi", "Erik Lindqvist").replace("ahmad.karimi", "erik.l")
             .replace("Ahmad", "Erik").replace("Storgatan 12", "Kungsvägen 3").replace("702 10", "114 32")
             .replace("Kön: Man", "Kön: Kvinna").replace("Afghansk", "Svensk").replace("1985-03-04", "1992-11-30")
             .replace("850304-1234", "921130-5678").replace("Kabul", "Damaskus").replace("Afghanistan", "Syrien")
             .replace("070-123 45 67", "073-987 65 43"))
    assert other != SWEDISH
    assert mask_personal_details(other).text == mask_personal_details(SWEDISH).text


def test_text_without_personal_details_is_unchanged():
    text = "Erfarenhet av truckkörning och lagerarbete 2019 - 2023. Svenska B2."
    masked = mask_personal_details(text)
    assert masked.text == text and MASK not in masked.text and masked.contact.name is None


def test_citizenship_in_running_text_is_masked_and_swaps_give_the_same_text():
    swedish = "Om mig\nGhanansk medborgare, bor i Örebro sedan 2019.\nInformerade medborgare om kommunens tjänster."
    english = "About me\nI am a Syrian citizen, in Sweden since 2016. Citizen of Syria.\nHelped EU citizens with forms."
    for text, country in ((swedish, "Ghanansk"), (english, "Syrian")):
        masked = mask_personal_details(text).text
        assert country not in masked and "Syria\n" not in masked
        # The same words as a competence stay: informing citizens, helping EU citizens.
        assert "Informerade medborgare" in masked or "Helped EU citizens" in masked
    assert (mask_personal_details(swedish.replace("Ghanansk", "Svensk")).text
            == mask_personal_details(swedish).text)
    assert (mask_personal_details(english.replace("Syrian citizen", "Swedish citizen")).text
            == mask_personal_details(english).text)
