"""Finding identifying details in text a writer is about to share, and replacing them.

``find_identifiers`` looks for people's names, places of work and towns, email addresses, UK phone
numbers, UK postcodes, NHS numbers (checksum-valid) and dates that could be a birthday. It is a
helper for the writer, who sees every finding highlighted and decides; it is not a guarantee.
``bench/identifiers.py`` measures it against labelled sentences.
"""

import re
from dataclasses import dataclass

from journal.privacy.people_places import find_names, find_places, term_kind

KINDS = ("name", "place", "email", "phone", "postcode", "nhs_number", "date")
MARKERS = {"name": "[name]", "place": "[place]", "email": "[email]", "phone": "[phone]",
           "postcode": "[postcode]", "nhs_number": "[NHS number]", "date": "[date]"}
#: When two findings overlap, the kind earlier here wins (then the longer one).
_PRIORITY = {kind: rank for rank, kind in enumerate(
    ("email", "nhs_number", "phone", "postcode", "date", "place", "name"))}


@dataclass(frozen=True, order=True)
class Identifier:
    """One identifying detail: ``text == source[start:end]``."""

    start: int
    end: int
    kind: str
    text: str

    @property
    def marker(self) -> str:
        """The neutral marker that replaces it, e.g. ``[name]``."""
        return MARKERS[self.kind]


_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_NHS = re.compile(r"(?<![\d+])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)\d{2,4}\)?[ -]?\d{3,4}[ -]?\d{3,4}(?!\d)")
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}|'\d{2})"
_DATE = re.compile(
    rf"\b(?:"
    rf"(?:[12]\d|3[01]|0?[1-9])[/.-](?:1[0-2]|0?[1-9])[/.-](?:\d{{4}}|\d{{2}})"  # 12/03/1998
    rf"|\d{{4}}-(?:1[0-2]|0[1-9])-(?:[12]\d|3[01]|0[1-9])"  # 1998-03-12
    rf"|{_DAY}(?: of)? (?:{_MONTHS})\.?(?:,? {_YEAR})?"  # 12th of March 1998
    rf"|(?:{_MONTHS})\.? {_DAY}(?:,? {_YEAR})?"  # March 12th, 1998
    rf")(?![\w/])", re.IGNORECASE)


def find_identifiers(text: str, extra_terms: tuple[str, ...] | list[str] = ()) -> list[
        Identifier]:
    """Identifying details in ``text``, in order, with no overlaps.

    ``extra_terms`` are the writer's own "always hide" words (colleagues' names, their ward),
    matched whole-word and case-insensitively.
    """
    found: list[Identifier] = []

    def add(start: int, end: int, kind: str) -> None:
        found.append(Identifier(start, end, kind, text[start:end]))

    for match in _EMAIL.finditer(text):
        add(match.start(), match.end(), "email")
    for match in _NHS.finditer(text):
        if is_valid_nhs_number(match.group()):
            add(match.start(), match.end(), "nhs_number")
    for match in _PHONE.finditer(text):
        if _is_uk_phone(match.group()):
            add(match.start(), match.end(), "phone")
    for match in _POSTCODE.finditer(text):
        if _looks_like_postcode(match.group()):
            add(match.start(), match.end(), "postcode")
    for match in _DATE.finditer(text):
        add(match.start(), match.end(), "date")
    for start, end in find_places(text):
        add(start, end, "place")
    for start, end in find_names(text):
        add(start, end, "name")
    for term in extra_terms:
        term = term.strip()
        if not term:
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE):
            add(match.start(), match.end(), term_kind(term))
    return _without_overlaps(found)


def replace_identifiers(text: str, identifiers: list[Identifier]) -> str:
    """``text`` with each of ``identifiers`` replaced by its marker."""
    out, position = [], 0
    for item in sorted(identifiers):
        if item.start < position or text[item.start:item.end] != item.text:
            continue  # stale or overlapping: leave that part as it is
        out += [text[position:item.start], item.marker]
        position = item.end
    out.append(text[position:])
    return "".join(out)


def is_valid_nhs_number(candidate: str) -> bool:
    """Whether ``candidate`` (ten digits, spaces or dashes allowed) passes the modulus 11 check."""
    digits = [int(ch) for ch in candidate if ch.isdecimal()]  # not "²": int() refuses it
    if len(digits) != 10:
        return False
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def _is_uk_phone(candidate: str) -> bool:
    digits = "".join(ch for ch in candidate if ch.isdecimal())
    if candidate.lstrip("(").startswith("+44"):
        digits = digits[2:]
        digits = digits[1:] if digits.startswith("0") else digits
        return len(digits) == 10 and digits[0] in "123578"
    return len(digits) == 11 and digits[0] == "0" and digits[1] in "123578"


def _looks_like_postcode(candidate: str) -> bool:
    # Words like "a1 2ab" are rare in prose, but a lone lower-case word + digit is not a postcode.
    compact = candidate.replace(" ", "")
    return 5 <= len(compact) <= 7 and (candidate.isupper() or " " in candidate)


def _without_overlaps(found: list[Identifier]) -> list[Identifier]:
    chosen: list[Identifier] = []
    for item in sorted(found, key=lambda i: (_PRIORITY[i.kind], -(i.end - i.start), i.start)):
        if all(item.end <= other.start or item.start >= other.end for other in chosen):
            chosen.append(item)
    return sorted(chosen)
