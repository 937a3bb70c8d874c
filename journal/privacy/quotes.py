"""Finding a writer's words quoted in other text, so that withdrawing them takes the copies too.

Words are compared ignoring case, punctuation and spacing. A run of ``RUN`` or more consecutive
words of the writer's text counts as a quote: long enough that ordinary phrases ("at the start
of my shift") rarely match by chance, short enough to catch a sentence quoted in part.
"""

import re

RUN = 6
MARKER = "[words withdrawn by their author]"

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


def redact(text: str, quoted: Runs) -> str:
    """``text`` with every stretch made of runs in ``quoted`` replaced by ``MARKER``."""
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
            pieces.append(MARKER)
            end = match.end()
    return "".join(pieces) + text[end:]
