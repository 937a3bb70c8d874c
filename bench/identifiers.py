"""Score journal.privacy.find_identifiers against the labelled sentences in tests/data.

Run: .venv/bin/python bench/identifiers.py [path/to/labelled.jsonl ...]

With no argument it scores tests/data/identifiers.jsonl (the set the rules were developed
against) and tests/data/identifiers_holdout.jsonl (written separately, for an honest view).

Matching rule: a labelled span counts as found when a finding of the same kind overlaps it; a
finding counts as correct when it overlaps a labelled span of the same kind. Prints recall and
precision per kind and overall, and lists every miss and false alarm so they can be read.
"""

import json
import sys
from collections import Counter
from pathlib import Path

from journal.privacy import KINDS, find_identifiers

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data"
DEFAULT_SETS = [DATA_DIR / "identifiers.jsonl", DATA_DIR / "identifiers_holdout.jsonl"]


def overlaps(a, b) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"] and a["kind"] == b["kind"]


def score(path: Path) -> dict:
    """Counts per kind: gold, found (recalled gold), predicted, correct (precise predictions)."""
    counts = {kind: Counter() for kind in KINDS}
    misses, false_alarms, sentences = [], [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sentences += 1
        gold = row["spans"]
        predicted = [{"start": i.start, "end": i.end, "kind": i.kind, "text": i.text}
                     for i in find_identifiers(row["text"])]
        for span in gold:
            counts[span["kind"]]["gold"] += 1
            if any(overlaps(span, p) for p in predicted):
                counts[span["kind"]]["found"] += 1
            else:
                misses.append((span["kind"], span["text"], row["text"]))
        for pred in predicted:
            counts[pred["kind"]]["predicted"] += 1
            if any(overlaps(pred, g) for g in gold):
                counts[pred["kind"]]["correct"] += 1
            else:
                false_alarms.append((pred["kind"], pred["text"], row["text"]))
    return {"counts": counts, "misses": misses, "false_alarms": false_alarms,
            "sentences": sentences}


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def main() -> None:
    paths = [Path(arg) for arg in sys.argv[1:]] or DEFAULT_SETS
    for number, path in enumerate(paths):
        if number:
            print("\n" + "=" * 72 + "\n")
        report(path)


def report(path: Path) -> None:
    """Print the scores for one labelled file."""
    result = score(path)
    print(f"{result['sentences']} sentences from {path.name}")
    print(f"{'kind':<11} {'labelled':>8} {'recall':>7} {'found':>6} {'precision':>9}")
    total = Counter()
    for kind, c in result["counts"].items():
        total.update(c)
        recall, precision = ratio(c["found"], c["gold"]), ratio(c["correct"], c["predicted"])
        print(f"{kind:<11} {c['gold']:>8} {fmt(recall):>7} {c['predicted']:>6} {fmt(precision):>9}")
    print(f"{'overall':<11} {total['gold']:>8} {fmt(ratio(total['found'], total['gold'])):>7} "
          f"{total['predicted']:>6} {fmt(ratio(total['correct'], total['predicted'])):>9}")
    for title, rows in (("missed", result["misses"]), ("false alarms", result["false_alarms"])):
        print(f"\n{title} ({len(rows)}):")
        for kind, text, sentence in rows:
            print(f"  {kind:<10} {text!r:<28} in: {sentence}")


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
