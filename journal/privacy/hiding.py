"""The writer's "always hide" terms: replaced wherever they appear, whatever is around them.

A term is matched however it is typed: in any case, with any apostrophe (straight, curly, a
modifier letter) or none, with any spaces, line breaks, hyphens or dots between its parts ("St
Mary's" is also "st. mary\u2019s" and "St\nMarys"; "Ward 7B" is also "Ward 7-B"), and anywhere,
even inside a longer word ("Jenkinsy") or an email address, and with or without its accents
("Zoë" is also "Zoe", "ZOË", "Zoë" typed as an e and a separate accent, and "Ｚｏｅ" in
full-width letters). The whole word holding it is
replaced, hyphens and apostrophes included ("Okafor-Smith"), and so is any longer finding
overlapping it ("Sister Mary Jenkins", "St Mary's Hospital", an email address), so that neither
the term nor what the finder ties to it is left. Text inside a marker such as ``[name]`` is never
matched, so a term that happens to be part of a marker's own word cannot replace the marker
forever.
"""

import re
import unicodedata
from functools import cache, lru_cache

from journal.privacy.identifiers import MARKERS, Identifier, find_identifiers
from journal.privacy.people_places import term_kind

_MARKER = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))
#: Apostrophes as phones and keyboards type them: straight, curly, modifier letters, accents.
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb`\u00b4\u2032"
#: Characters that can sit unseen inside a word: soft hyphen, zero-width spaces and joiners.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060"
_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
#: What joins two words into one ("Okafor-Smith", "Jenkins's"): the whole of it is hidden.
_JOINERS = frozenset(_APOSTROPHES + _INVISIBLE + _DASHES)
#: Between the letters of a part: an apostrophe or an invisible character may be slipped in.
_WITHIN = f"[{re.escape(_APOSTROPHES + _INVISIBLE)}]*"
#: Between the parts of one word ("7B", "Mary's"): dots, dashes, apostrophes, or nothing.
_INSIDE = f"[.{re.escape(_APOSTROPHES + _INVISIBLE + _DASHES)}]*"
#: Between the words of a term: any run of spaces, line breaks, dots, dashes or apostrophes.
_BETWEEN = rf"[\s.{re.escape(_APOSTROPHES + _INVISIBLE + _DASHES)}]*"
#: A word's parts are its runs of letters and runs of digits ("7B" is 7 and B).
_PARTS = re.compile(r"[^\W\d_]+|\d+")
_WORD_BREAK = re.compile(rf"[\s.{re.escape(_DASHES)}]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")

#: Letters that do not decompose into a letter and an accent but are often typed without their
#: stroke or as two letters ("Søren" as "Soren").
_UNDECOMPOSED = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
                               "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i"})

#: ``(start, end, kind)`` of a stretch of text to replace by the marker of ``kind``.
Span = tuple[int, int, str]


def hide_terms(text: str, terms: list[str]) -> tuple[str, int]:
    """``text`` with every "always hide" term replaced by a marker, and how many places were."""
    usable = usable_terms(terms)
    hidden = 0
    # Replacing can join text into a new occurrence (overlapping terms, a term across a
    # marker), so look again until none is left. Each round turns unmarked text into markers,
    # so this ends.
    for _ in range(len(text) + 1):
        spans = _spans_to_hide(text, usable)
        if not spans:
            break
        text = _replace(text, spans)
        hidden += len(spans)
    return text, hidden


def usable_terms(terms: list[str]) -> list[str]:
    """The terms that can be hidden: stripped, each with at least one letter or digit.

    A term of punctuation alone (".") would turn every sentence into markers.
    """
    kept = {_folded(term.strip())[0]: term.strip() for term in terms}
    return [term for folded, term in kept.items() if _PARTS.search(folded)]


def terms_in(text: str, terms: list[str]) -> list[str]:
    """The usable ``terms`` that ``text`` still holds outside its markers."""
    marked, folded = _marked(text), _folded(text)
    return [term for term in usable_terms(terms) if any(_matches(folded, term, marked))]


@cache
def _folded_char(ch: str) -> str:
    """``ch`` in the form terms and text are compared in: no accents, narrow, case folded."""
    if ch in _JOINERS:
        return ch  # "´" is an apostrophe here; decomposed it would be a space and an accent
    plain = unicodedata.normalize("NFKD", ch.translate(_UNDECOMPOSED)).casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", plain)
                   if unicodedata.category(c) not in ("Mn", "Me"))


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` folded, and for each folded character the index in ``text`` it comes from."""
    folded, origin, position = [], [], 0
    # Most of an entry is ASCII, where folding is lowering one character for one: do it in runs.
    for match in _NOT_ASCII.finditer(text):
        index = match.start()
        folded += [text[position:index].lower(), _folded_char(text[index])]
        origin += range(position, index)
        origin += [index] * len(folded[-1])
        position = index + 1
    folded.append(text[position:].lower())
    origin += range(position, len(text))
    return "".join(folded), origin


@lru_cache(maxsize=256)
def _term_pattern(term: str) -> re.Pattern[str]:
    # Spaces may vary only where the term has a break, so "Ward 7B" is not found in "toward 7
    # beds"; within a word only punctuation may be added or dropped ("7-B", "Marys").
    words = [_PARTS.findall(word) for word in _WORD_BREAK.split(_folded(term)[0])]
    return re.compile(_BETWEEN.join(
        _INSIDE.join(_WITHIN.join(re.escape(ch) for ch in part) for part in parts)
        for parts in words if parts))


def _marked(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _MARKER.finditer(text)]


def _matches(folded: tuple[str, list[int]], term: str, marked: list[tuple[int, int]]):
    """``(start, end)`` in the text of each place ``term`` appears in it outside a marker.

    ``folded`` is the text as ``_folded`` gives it: matched there, mapped back to the text.
    """
    text, origin = folded
    for match in _term_pattern(term).finditer(text):
        start, end = origin[match.start()], origin[match.end() - 1] + 1
        if not any(s <= start and end <= e for s, e in marked):
            yield start, end


def _spans_to_hide(text: str, terms: list[str]) -> list[Span]:
    marked, folded = _marked(text), _folded(text)
    findings = find_identifiers(text)
    spans = [_widen(text, start, end, term_kind(term), findings, marked)
             for term in terms for start, end in _matches(folded, term, marked)]
    return _merged(spans)


def _widen(text: str, start: int, end: int, kind: str, findings: list[Identifier],
           marked: list[tuple[int, int]]) -> Span:
    """The whole word around ``start:end``, with every finding and marker it touches."""
    while start > 0 and (_is_word(text[start - 1]) or (
            text[start - 1] in _JOINERS and start > 1 and _is_word(text[start - 2]))):
        start -= 1
    while end < len(text) and (_is_word(text[end]) or (
            text[end] in _JOINERS and end + 1 < len(text) and _is_word(text[end + 1]))):
        end += 1
    touching = [f for f in findings if f.start < end and start < f.end]
    if touching:
        kind = touching[0].kind  # the finder's kind says more than a guess from the term
    for s, e in [(f.start, f.end) for f in touching] + marked:
        if s < end and start < e:
            start, end = min(start, s), max(end, e)
    return start, end, kind


def _is_word(ch: str) -> bool:
    # An accent typed as its own character belongs to the letter before it ("Zoë" as e + ¨).
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    # Where two start together the longer one's kind wins: "Rowan Ward" is a [place].
    for start, end, kind in sorted(spans, key=lambda span: (span[0], -span[1])):
        if merged and start < merged[-1][1]:
            first_start, first_end, first_kind = merged[-1]
            merged[-1] = (first_start, max(first_end, end), first_kind)
        else:
            merged.append((start, end, kind))
    return merged


def _replace(text: str, spans: list[Span]) -> str:
    out, position = [], 0
    for start, end, kind in spans:
        out += [text[position:start], MARKERS[kind]]
        position = end
    out.append(text[position:])
    return "".join(out)
