"""journal.privacy.find_identifiers: what it finds, what it leaves alone, and how it replaces."""

from pathlib import Path

import pytest

from bench.identifiers import score
from journal.privacy import find_identifiers, is_valid_nhs_number, replace_identifiers

DATA = Path(__file__).parent / "data"


def found(text: str, extra=()) -> list[tuple[str, str]]:
    return [(i.text, i.kind) for i in find_identifiers(text, extra)]


def test_identifiers_point_into_the_text():
    text = "Sister Jones rang 07700 900461 from Rowan Ward on 12/03/1999."
    for item in find_identifiers(text):
        assert text[item.start:item.end] == item.text
    assert found(text) == [("Jones", "name"), ("07700 900461", "phone"),
                           ("Rowan Ward", "place"), ("12/03/1999", "date")]


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "943-476-5919"])
def test_nhs_numbers_with_or_without_spaces(number):
    assert found(f"NHS number {number} on the band") == [(number, "nhs_number")]


def test_nhs_numbers_must_pass_the_checksum():
    assert is_valid_nhs_number("9434765919") and not is_valid_nhs_number("9434765918")
    assert ("9434765918", "nhs_number") not in found("NHS number 9434765918")


@pytest.mark.parametrize("phone", ["07700 900461", "07700900461", "0161 496 0000",
                                   "(0161) 496 0000", "+44 7700 900461", "+44 (0)20 7946 0321",
                                   "020 7946 0000"])
def test_uk_phone_numbers(phone):
    assert found(f"call {phone} later") == [(phone, "phone")]


@pytest.mark.parametrize("postcode", ["LS1 3EX", "SW1A 1AA", "CF10 3NP", "M1 1AE", "B33 8TH"])
def test_uk_postcodes(postcode):
    assert found(f"near {postcode} today") == [(postcode, "postcode")]


@pytest.mark.parametrize("date", ["12/03/1999", "3rd of June", "21 November 1998", "March 5th",
                                  "1999-03-12", "5 Jan 2001"])
def test_dates_that_could_be_a_birthday(date):
    assert found(f"It was {date} and I worked") == [(date, "date")]


@pytest.mark.parametrize("text", [
    "In March we had three new starters.", "The labour ward was chaos.",
    "May I say something?", "I will hope for better.", "Reading the notes took ages.",
    "We gave 10 mg at 08:00.", "Bed 14 and bay 3 were full.", "The maternity unit was calm.",
    "Being listened to matters.", "Everyone said it was fine.",
])
def test_ordinary_sentences_have_no_identifiers(text):
    assert found(text) == []


def test_a_place_does_not_swallow_the_person_before_it():
    assert found("Sister Jones on Rowan Ward told me.") == [("Jones", "name"),
                                                           ("Rowan Ward", "place")]


def test_names_places_and_emails():
    text = "Grace Smith emailed g.smith@nhs.net from St Mary's Hospital in Leeds."
    assert found(text) == [("Grace Smith", "name"), ("g.smith@nhs.net", "email"),
                           ("St Mary's Hospital", "place"), ("Leeds", "place")]


def test_extra_terms_are_always_found_whole_word_any_case():
    text = "Bobbi said the Larchfield team and bobbi's friend were kind; Bobbington was not."
    assert found(text, ["Bobbi", "Larchfield"]) == [
        ("Bobbi", "name"), ("Larchfield", "name"), ("bobbi", "name")]
    assert ("Cedar Lodge ward", "place") in found("on Cedar Lodge ward", ["Cedar Lodge ward"])


def test_replace_uses_neutral_markers():
    text = "Dr Patel called 0161 496 0000 about 943 476 5919 at LS1 3EX."
    assert replace_identifiers(text, find_identifiers(text)) == (
        "Dr [name] called [phone] about [NHS number] at [postcode].")


def test_replace_skips_stale_findings():
    text = "Priya helped."
    stale = find_identifiers("Hannah helped.")
    assert replace_identifiers(text, stale) == "Priya helped."


@pytest.mark.parametrize(("filename", "minimum_rows"), [("identifiers.jsonl", 80),
                                                       ("identifiers_holdout.jsonl", 30)])
def test_labelled_sentences_meet_the_targets(filename, minimum_rows):
    """The acceptance targets, scored as bench/identifiers.py scores them."""
    result = score(DATA / filename)
    counts = result["counts"]
    assert result["sentences"] >= minimum_rows
    for kind in ("email", "phone", "postcode", "nhs_number"):
        assert counts[kind]["found"] >= 0.99 * counts[kind]["gold"], kind
    for kind in ("name", "place"):
        assert counts[kind]["found"] >= 0.90 * counts[kind]["gold"], kind
    correct = sum(c["correct"] for c in counts.values())
    predicted = sum(c["predicted"] for c in counts.values())
    assert correct >= 0.80 * predicted
