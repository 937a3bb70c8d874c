"""The writer's "always hide" terms: replaced wherever they appear, whatever is around them.

A term is matched case-insensitively anywhere, even inside a longer word ("Jenkinson") or an
email address. The whole word holding it is replaced, and so is any longer finding overlapping
it ("Sister Mary Jenkins", "St Mary's Hospital", an email address), so that neither the term
nor what the finder ties to it is left. Text inside a marker such as ``[name]`` is never matched,
so a term that happens to be part of a marker's own word cannot replace the marker forever.
"""

import re

from journal.privacy.identifiers import MARKERS, Identifier, find_identifiers
from journal.privacy.people_places import term_kind

_MARKER = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))

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
    kept = {term.strip().lower(): term.strip() for term in terms}
    return [term for term in kept.values() if any(ch.isalnum() for ch in term)]


def _spans_to_hide(text: str, terms: list[str]) -> list[Span]:
    marked = [match.span() for match in _MARKER.finditer(text)]
    findings = find_identifiers(text)
    spans = []
    for term in terms:
        for match in re.finditer(re.escape(term), text, re.IGNORECASE):
            if not any(s <= match.start() and match.end() <= e for s, e in marked):
                spans.append(_widen(text, match.start(), match.end(), term_kind(term),
                                    findings, marked))
    return _merged(spans)


def _widen(text: str, start: int, end: int, kind: str, findings: list[Identifier],
           marked: list[tuple[int, int]]) -> Span:
    """The whole word around ``start:end``, with every finding and marker it touches."""
    while start > 0 and _is_word(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word(text[end]):
        end += 1
    touching = [f for f in findings if f.start < end and start < f.end]
    if touching:
        kind = touching[0].kind  # the finder's kind says more than a guess from the term
    for s, e in [(f.start, f.end) for f in touching] + marked:
        if s < end and start < e:
            start, end = min(start, s), max(end, e)
    return start, end, kind


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


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
