"""Time the "always hide" matcher on a long entry with a full list of terms.

Run: .venv/bin/python bench/hiding.py [--words 1000] [--terms 20] [--runs 20] [--seed 7]

It builds an entry of ``--words`` words (ordinary words, with accented names and their
decomposed, unaccented and full-width spellings mixed in) and a list of ``--terms`` terms
(names with and without accents, places, a ward), then prints the median and slowest time of
``journal.privacy.hide_terms`` over ``--runs`` runs and how many places were hidden. Figures
are measured on this machine, in this run; nothing is assumed.
"""

import argparse
import random
import statistics
import time
import unicodedata

from journal.privacy import hide_terms

WORDS = """the shift was long and I stayed late with my preceptor on the ward we talked about
care time kindness tea water break handover family baby mother pain night quiet busy tired
proud heard seen valued asked helped listened noticed explained covered thanked""".split()
NAMES = ["Zo\u00eb", "Ad\u00e9b\u00e1y\u1ecd\u0300", "Ren\u00e9e", "Jenkins", "Okafor",
         "Siobh\u00e1n", "Bj\u00f6rn", "Fran\u00e7ois", "M\u00e1ire", "Nu\u00f1ez",
         "Chlo\u00eb", "Jos\u00e9", "Priya", "Grace", "Amara", "Kwame", "Ngozi", "Tom\u00e1s"]
PLACES = ["St Mary's", "Rowan Ward", "Ward 7B", "Larchfield", "Cedar Lodge"]


def spellings(name: str) -> list[str]:
    """How a name may reach the text: as listed, decomposed, without accents, full-width."""
    plain = "".join(ch for ch in unicodedata.normalize("NFD", name)
                    if not unicodedata.combining(ch))
    wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch
                   for ch in plain)
    return [name, unicodedata.normalize("NFD", name), plain, name.upper(), wide]


def entry(words: int, rng: random.Random) -> str:
    """An entry of ``words`` words, about one in twenty-five a listed name in some spelling."""
    out = []
    for _ in range(words):
        if rng.random() < 0.04:
            out.append(rng.choice(spellings(rng.choice(NAMES))))
        else:
            out.append(rng.choice(WORDS))
    return " ".join(out) + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--terms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    text = entry(args.words, rng)
    terms = (NAMES + PLACES)[:args.terms]
    timings, hidden = [], 0
    for _ in range(args.runs):
        started = time.perf_counter()
        _, hidden = hide_terms(text, terms)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"{args.words} words, {len(terms)} terms, {args.runs} runs: "
          f"median {statistics.median(timings):.1f} ms, slowest {max(timings):.1f} ms, "
          f"{hidden} places hidden")


if __name__ == "__main__":
    main()
