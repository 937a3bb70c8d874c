"""Benchmark the researchers' search through the app's own search function, against SQLite FTS5.

Run: .venv/bin/python bench/search.py [--sizes 10000 100000] [--queries 200] [--seed 7]

For each size it generates that many synthetic accepted shares (80-400 words drawn from a
Zipf-distributed vocabulary of about 6,000 words: function words, some 170 words of care, then
a long tail; with themes and context) in a fresh SQLite database and builds the Whoosh index
with the code of ``flask search reindex``. It then runs the same mixed queries (words, phrases,
prefixes, boolean, filters; every query also counts facets over its whole result set) through
``journal.search.search`` and through an FTS5 table over the same data, and prints indexing
rate and latency p50/p95/p99 for both, and the ratio. Figures are measured on this machine, in
this run; nothing is assumed.
"""

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from journal import create_app, search, suppression
from journal.context import ENGLISH_REGIONS, FIELDS, REGISTERED, ROLES
from journal.extensions import db
from journal.models import ContextSharer, Share, Tag, Theme

WORDS = """shift ward patient nurse midwife handover break kindness compassion support manager
leader listened heard name time care tired burnout staff short busy night day family relative
mentor preceptor student question safe unsafe rushed thanked smiled cried tea water hours
bay bed call bell medication round doctor consultant team huddle debrief labour baby mother
pain dignity respect voice culture hierarchy senior junior new qualified international forms
learning training support wellbeing rota sickness agency bank cover overtime pressure acuity
calm chaos quiet loud alarm monitor discharge admission transfer theatre recovery clinic
community visit home phone email message noticed asked helped stayed covered explained
walking away ignored seen valued proud afraid anxious confident grateful lonely together""".split()
THEMES = ["Time to care", "Being heard", "Known by name", "Visible leaders",
          "Psychological safety", "Mentoring and support", "Burnout", "Hierarchy",
          "Unkindness challenged", "Internationally educated staff", "Kindness as a choice",
          "Staffing and acuity"]


FILLER = """the and to of a i was in it that my for with on at but we had she he they
this not be have so all as were her were his from up out one about just there when what
me could would did no do if or an can by get our their been very time more back""".split()
SYLLABLES = ["ka", "lo", "mi", "ren", "ta", "sor", "vi", "del", "ra", "bin", "mo", "ter",
             "sa", "lin", "po", "gra", "na", "fel", "cu", "dor"]


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """A Zipfian vocabulary: common function words, then the care words, then a long tail."""
    tail = set()
    while len(tail) < size:
        tail.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    words = FILLER + WORDS + sorted(tail)
    return words


def zipf_weights(count: int) -> list[float]:
    return [1 / rank for rank in range(1, count + 1)]


def synthetic_text(rng: random.Random, vocab: list[str], weights: list[float]) -> str:
    words = rng.choices(vocab, weights=weights, k=rng.randint(80, 400))
    for i in range(0, len(words), rng.randint(9, 16)):
        words[i] = words[i].capitalize()
    return " ".join(words) + "."


def populate(size: int, rng: random.Random) -> None:
    vocab = vocabulary(rng)
    weights = zipf_weights(len(vocab))
    """Insert ``size`` accepted shares with context and themes, straight into the tables."""
    themes = [Theme(name=name, description="") for name in THEMES]
    db.session.add_all(themes)
    db.session.flush()
    regions = ["scotland", "wales", "northern-ireland", "england",
               *(f"england/{key}" for key in ENGLISH_REGIONS)]
    shares, tags = [], []
    for number in range(size):
        share_id = f"s{number:07d}"
        shares.append({
            "id": share_id, "author_link": f"{number:064d}",
            "text": synthetic_text(rng, vocab, weights),
            "month": f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}", "scope": "leaders",
            "status": "accepted", "needs_safeguarding_review": False,
            "ctx_role": rng.choice(["", *ROLES]), "ctx_field": rng.choice(["", *FIELDS]),
            "ctx_region": rng.choice(["", *regions]),
            "ctx_registered": rng.choice(["", *REGISTERED]),
            "ctx_international": rng.choice(["", "yes", "no"]),
        })
        for theme in rng.sample(themes, rng.choice([0, 0, 1, 1, 2, 3])):
            tags.append({"share_id": share_id, "theme_id": theme.id})
    for start in range(0, len(shares), 5000):
        db.session.execute(Share.__table__.insert(), shares[start:start + 5000])
    for start in range(0, len(tags), 5000):
        db.session.execute(Tag.__table__.insert(), tags[start:start + 5000])
    # One sharer per share in the tally, so each search maps context through suppression.
    sharers = [{"sharer": share["author_link"], "share_ref": share["id"], "accepted": True,
                "established": True, **{name: share[f"ctx_{name}"] for name in
                                        ("role", "field", "region", "registered",
                                         "international")}} for share in shares]
    for start in range(0, len(sharers), 5000):
        db.session.execute(ContextSharer.__table__.insert(), sharers[start:start + 5000])
    suppression.bump()
    db.session.commit()


def make_queries(count: int, rng: random.Random, theme_ids: list[int]) -> list[tuple]:
    """(text query, filters) pairs: words, phrases, prefixes, boolean, with and without filters."""
    shapes = [
        lambda: rng.choice(WORDS),
        lambda: f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        lambda: f'"{rng.choice(WORDS)} {rng.choice(WORDS)}"',
        lambda: f"{rng.choice(WORDS)[:4]}*",
        lambda: f"{rng.choice(WORDS)} OR {rng.choice(WORDS)}",
        lambda: f"{rng.choice(WORDS)} NOT {rng.choice(WORDS)}",
        lambda: "",
    ]
    queries = []
    for _ in range(count):
        text = rng.choice(shapes)()
        filters = {}
        if rng.random() < 0.5:
            filters["role"] = rng.choice(list(ROLES))
        if rng.random() < 0.3:
            filters["themes"] = [rng.choice(theme_ids)]
        if rng.random() < 0.2:
            filters["region"] = rng.choice(["england", "wales", "scotland"])
        queries.append((text, filters))
    return queries


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def run_whoosh(queries) -> list[float]:
    timings = []
    for text, filters in queries:
        started = time.perf_counter()
        search.search(text, search.Filters(**filters))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def after_tally_changes(queries) -> list[float]:
    """Each query timed just after the tally changed (a share accepted, say)."""
    timings = []
    for text, filters in queries:
        suppression.bump()
        db.session.commit()
        started = time.perf_counter()
        search.search(text, search.Filters(**filters))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


# --- FTS5, over the same rows ------------------------------------------------------------------

def build_fts(db_path: str) -> float:
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    conn.executescript("""
        CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='porter');
        INSERT INTO fts(rowid, text) SELECT rowid, text FROM shares;
    """)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def fts_expression(text: str) -> str | None:
    if not text:
        return None
    if text.startswith('"'):
        return text
    parts = text.split()
    out = []
    for part in parts:
        if part in {"OR", "NOT"}:
            out.append(part)
        elif part.endswith("*"):
            out.append(f'"{part[:-1]}"*')
        else:
            out.append(f'"{part}"')
    return " ".join(out)


def run_fts(db_path: str, queries) -> list[float]:
    conn = sqlite3.connect(db_path)
    timings = []
    for text, filters in queries:
        started = time.perf_counter()
        where, params = ["s.status = 'accepted'"], []
        expression = fts_expression(text)
        source = "shares s"
        if expression:
            source = "fts JOIN shares s ON s.rowid = fts.rowid"
            where.append("fts MATCH ?")
            params.append(expression)
        if "role" in filters:
            where.append("s.ctx_role = ?")
            params.append(filters["role"])
        if "region" in filters:
            where.append("(s.ctx_region = ? OR s.ctx_region LIKE ?)")
            params += [filters["region"], filters["region"] + "/%"]
        if "themes" in filters:
            where.append("s.id IN (SELECT share_id FROM tags WHERE theme_id = ?)")
            params.append(filters["themes"][0])
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS hits(id TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM hits")
        conn.execute(f"INSERT INTO hits SELECT s.id FROM {source} WHERE {' AND '.join(where)}",
                     params)
        conn.execute("SELECT id FROM hits LIMIT 20").fetchall()
        conn.execute("SELECT count(*) FROM hits").fetchone()
        for column in ("ctx_role", "ctx_field", "ctx_region", "ctx_registered",
                       "ctx_international", "month"):
            conn.execute(f"SELECT {column}, count(*) FROM shares WHERE id IN "
                         f"(SELECT id FROM hits) GROUP BY {column}").fetchall()
        conn.execute("SELECT theme_id, count(*) FROM tags WHERE share_id IN "
                     "(SELECT id FROM hits) GROUP BY theme_id").fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return timings


def bench(size: int, query_count: int, seed: int) -> None:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "bench.sqlite")
        app = create_app({"SECRET_KEY": "bench", "SHARE_KEY": "bench",
                          "DATABASE_URL": f"sqlite:///{db_path}",
                          "INDEX_DIR": str(Path(tmp) / "index")})
        with app.app_context():
            db.create_all()
            populate(size, rng)
            started = time.perf_counter()
            indexed = search.reindex()
            index_seconds = time.perf_counter() - started
            theme_ids = list(db.session.scalars(db.select(Theme.id)))
            queries = make_queries(query_count, rng, theme_ids)
            run_whoosh(queries[:10])  # warm the caches, as a running server would be
            whoosh_ms = run_whoosh(queries)
            changed_ms = after_tally_changes(queries[:20])
        fts_seconds = build_fts(db_path)
        run_fts(db_path, queries[:10])
        fts_ms = run_fts(db_path, queries)
    w50, w95, w99 = percentiles(whoosh_ms)
    f50, f95, f99 = percentiles(fts_ms)
    print(f"\n== {size:,} accepted shares, {len(queries)} queries (each with facet counts)")
    print(f"indexing   Whoosh {indexed / index_seconds:8.0f} shares/s ({index_seconds:.1f} s)"
          f"   FTS5 {size / fts_seconds:8.0f} shares/s ({fts_seconds:.1f} s)")
    print("latency ms    p50      p95      p99")
    print(f"  Whoosh  {w50:7.1f}  {w95:7.1f}  {w99:7.1f}   (app's search function)")
    print(f"  FTS5    {f50:7.1f}  {f95:7.1f}  {f99:7.1f}")
    print(f"  ratio   {w50 / f50:7.2f}  {w95 / f95:7.2f}  {w99 / f99:7.2f}   (Whoosh / FTS5)")
    print(f"  first search after a tally change: p50 {statistics.median(changed_ms):.1f} ms"
          f" (the suppression mapping is rebuilt; later searches reuse it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for size in args.sizes:
        bench(size, args.queries, args.seed)


if __name__ == "__main__":
    main()
