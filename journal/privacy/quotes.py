"""Finding a writer's words quoted in other text, so that withdrawing them takes the copies too.

Words are compared ignoring case, punctuation and spacing. A run of ``RUN`` or more consecutive
words of the writer's text counts as a quote: long enough that ordinary phrases ("at the start
of my shift") rarely match by chance, short enough to catch a sentence quoted in part.
"""

import re

RUN = 6
MARKER = "[words withdrawn by their author]"
#: Shown instead of quotes of words readers may not see for now (held, or back in review).
NOT_SHOWN = "[words not shown for now]"

# A word, with any apostrophes inside it ("didn't", "Mary’s"), which are then dropped.
_WORD = re.compile(r"\w+(?:['’]\w+)*")

Runs = frozenset[tuple[str, ...]]


def _words(text: str) -> list[re.Match]:
    return list(_WORD.finditer(text))


def _normal(word: str) -> str:
    return re.sub(r"\W", "", word).casefold()


def runs(text: str) -> Runs:
    """Every run of ``RUN`` consecutive words in ``text``, normalised."""
    words = [_normal(m.group()) for m in _words(text)]
    return frozenset(tuple(words[i:i + RUN]) for i in range(len(words) - RUN + 1))


def redact(text: str, quoted: Runs, marker: str = MARKER) -> str:
    """``text`` with every stretch made of runs in ``quoted`` replaced by ``marker``."""
    if not text or not quoted:
        return text
    words = _words(text)
    normal = [_normal(m.group()) for m in words]
    covered = [False] * len(words)
    for i in range(len(words) - RUN + 1):
        if tuple(normal[i:i + RUN]) in quoted:
            covered[i:i + RUN] = [True] * RUN
    pieces, end = [], 0
    for i, match in enumerate(words):
        if covered[i] and (i == 0 or not covered[i - 1]):
            pieces.append(text[end:match.start()])
        if covered[i] and (i + 1 == len(words) or not covered[i + 1]):
            pieces.append(marker)
            end = match.end()
    return "".join(pieces) + text[end:]


def withhold(text: str, quoted: Runs) -> str:
    """For display: ``text`` with quotes of words not shown for now replaced by ``NOT_SHOWN``."""
    return redact(text, quoted, NOT_SHOWN)
