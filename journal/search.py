"""Full-text search over accepted shares. Every read and write of the Whoosh index lives here.

The database is the record and the index follows it. A change that affects search writes a row
to ``index_outbox`` in its own transaction (``enqueue``); after the commit, ``apply_pending``
applies the outbox under a file lock, so one writer at a time touches the index and a request
that finds the lock taken simply leaves its rows for the holder. No request opens a Whoosh
writer of its own or waits on the lock.

The index holds ids and the fields it filters on (plus a hash of the text, to detect drift),
not the text itself. It never holds a share's context: only an opaque key per exact
combination, which each search maps through small-number suppression (journal.suppression) as
it stands at that moment, so filters, facets and totals only ever work on the context a
researcher may see, and never lag behind the tally in the revealing direction. These
functions (enqueue, apply_pending, search, snippets, reindex, check) are the seam a PostgreSQL
full-text backend could implement instead.
"""

import fcntl
import hashlib
import hmac
import math
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select
from whoosh import highlight, index, qparser
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.query import And, AndNot, Every, MultiTerm, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.reading import TermNotFound

from journal import suppression
from journal.context import Context
from journal.extensions import db
from journal.models import IndexOutbox, Share, ShareStatus, Tag

ANALYZER = StemmingAnalyzer()
INDEX_FACETS = ("themes", "month", "tagged")
CONTEXT_FACETS = ("role", "field", "region", "nation", "registered", "international")
SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    text=TEXT(analyzer=ANALYZER, phrase=True),
    text_hash=ID(stored=True),
    themes=KEYWORD(stored=True),  # space-separated ids of the themes tagged on the share
    context=ID(stored=True),  # opaque key of the exact context combination (context_key)
    month=ID(stored=True, sortable=True), tagged=ID(stored=True),
)
MAX_QUERY = 500


class SearchError(Exception):
    """A query the index cannot answer; the message is safe to show."""


# --- writing ------------------------------------------------------------------------------------

def enqueue(share_ids: list[str] | set[str], purge: bool = False) -> None:
    """Note, in the caller's transaction, that these shares' documents must be rebuilt."""
    db.session.add_all(IndexOutbox(share_id=share_id, purge=purge) for share_id in share_ids)


def apply_pending(index_dir: str | None = None, wait: bool = False) -> int:
    """Apply the outbox to the index if no other process is doing so; returns rows applied.

    After releasing the lock it looks once more, so rows added while it worked are not left
    behind by a process that found the lock taken and went away.
    """
    index_dir = index_dir or current_app.config["INDEX_DIR"]
    applied = 0
    while True:
        with _writer_lock(index_dir, wait=wait) as held:
            if not held:
                return applied
            applied += _apply_batches(index_dir)
        if db.session.scalar(select(IndexOutbox.id).limit(1)) is None:
            return applied


def _apply_batches(index_dir: str) -> int:
    applied = 0
    while rows := db.session.scalars(select(IndexOutbox).order_by(IndexOutbox.id)
                                     .limit(500)).all():
        ids = {row.share_id for row in rows}
        ix = _open_or_rebuild(index_dir, locked=True)
        docs = list(_docs(ids))
        merge = any(row.purge for row in rows) or _removes_anything(ix, ids, docs)
        writer = ix.writer()
        for share_id in ids:
            writer.delete_by_term("id", share_id)
        for doc in docs:
            writer.add_document(**doc)
        # A deleted document's terms stay in the segment files until the segments are merged,
        # so any change that takes words or context away rewrites them (costly on a large
        # index, so not for changes such as tagging that remove nothing).
        writer.commit(optimize=merge)
        # Delete exactly the rows applied: with concurrent writers, a lower id can commit after
        # a higher one was read, and must stay for the next pass.
        db.session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_([r.id for r in rows])))
        db.session.commit()
        applied += len(rows)
    return applied


def _removes_anything(ix: index.Index, ids: set[str], docs: list[dict]) -> bool:
    """Whether applying ``docs`` for ``ids`` deletes a document or changes its text or context."""
    new = {doc["id"]: doc for doc in docs}
    with ix.searcher() as searcher:
        for share_id in ids:
            old = searcher.document(id=share_id)
            if old is not None and (share_id not in new or any(
                    old.get(name) != new[share_id][name] for name in ("text_hash", "context"))):
                return True
    return False


def reindex(index_dir: str | None = None) -> int:
    """Rebuild the index from the database (waits for the lock); returns documents indexed."""
    index_dir = index_dir or current_app.config["INDEX_DIR"]
    with _writer_lock(index_dir, wait=True):
        return _rebuild(index_dir)


def _rebuild(index_dir: str) -> int:
    path = Path(index_dir)
    fresh = path.with_name(path.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    ix = index.create_in(str(fresh), SCHEMA)
    writer = ix.writer(limitmb=128)
    ids = db.session.scalars(select(Share.id).where(Share.status == ShareStatus.ACCEPTED)).all()
    count = 0
    for start in range(0, len(ids), 1000):
        for doc in _docs(set(ids[start:start + 1000])):
            writer.add_document(**doc)
            count += 1
    writer.commit(optimize=True)
    db.session.execute(delete(IndexOutbox))
    db.session.commit()
    # Swap in the new index; the lock file stays where it is (beside, not inside).
    if path.exists():
        shutil.rmtree(path)
    os.replace(fresh, path)
    return count


def _docs(share_ids: set[str]) -> Iterator[dict]:
    """Index documents for the accepted shares among ``share_ids``."""
    shares = db.session.scalars(select(Share).where(Share.id.in_(share_ids),
                                                    Share.status == ShareStatus.ACCEPTED)).all()
    themes: dict[str, set[int]] = {}
    for share_id, theme_id in db.session.execute(
            select(Tag.share_id, Tag.theme_id).where(Tag.share_id.in_(share_ids))):
        themes.setdefault(share_id, set()).add(theme_id)
    for share in shares:
        yield _doc(share, themes.get(share.id, set()))


def _doc(share: Share, theme_ids: set[int]) -> dict:
    return {
        "id": share.id, "text": share.text, "text_hash": text_hash(share.text),
        "themes": " ".join(str(t) for t in sorted(theme_ids)),
        "context": context_key(share.context), "month": share.month,
        "tagged": "yes" if theme_ids else "no",
    }


def context_key(context: Context) -> str:
    """An opaque key for one exact context combination (keyed, so the files do not say it)."""
    message = "index-context:" + "|".join(
        (context.role, context.field, context.region, context.registered, context.international))
    return hmac.new(current_app.config["SHARE_KEY"].encode(), message.encode(),
                    hashlib.sha256).hexdigest()[:24]


def text_hash(text: str) -> str:
    """A short fingerprint of a share's text, so drift in the wording can be detected."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@contextmanager
def _writer_lock(index_dir: str, wait: bool) -> Iterator[bool]:
    """An exclusive file lock beside the index: one writer at a time across processes."""
    lock_path = Path(index_dir).with_name(Path(index_dir).name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _open_or_rebuild(index_dir: str, locked: bool = False) -> index.Index:
    """Open the index; a missing, unreadable or outdated one is rebuilt from the database."""
    try:
        if index.exists_in(index_dir):
            ix = index.open_dir(index_dir)
            if _current_schema(ix):
                return ix
            current_app.logger.warning("Search index built by an older version; rebuilding")
    except Exception:  # noqa: BLE001 - any corruption means: rebuild from the record
        current_app.logger.warning("Search index unreadable; rebuilding from the database")
    if locked:
        _rebuild(index_dir)
    else:
        reindex(index_dir)
    return index.open_dir(index_dir)


def _current_schema(ix: index.Index) -> bool:
    """Whether ``ix`` has today's fields (an older one may hold exact context; Whoosh's own
    schema equality is False even for identical schemas, so compare names and kinds)."""
    def shape(schema: Schema) -> list[tuple[str, str]]:
        return sorted((name, type(kind).__name__) for name, kind in schema.items())
    return shape(ix.schema) == shape(SCHEMA)


# --- reading ------------------------------------------------------------------------------------

@dataclass
class Filters:
    """What a search is narrowed to. Theme ids already include child themes."""

    themes: list[int] = field(default_factory=list)
    role: str = ""
    field: str = ""
    region: str = ""
    registered: str = ""
    international: str = ""
    month: str = ""
    tagged: str = ""


@dataclass
class Results:
    """One page of a search: share ids in order, the total, and facet counts for all matches."""

    ids: list[str]
    total: int
    facets: dict[str, Counter]
    terms: set[str]


def search(query: str, filters: Filters, order: str = "relevance", page: int = 1,
           per_page: int = 20) -> Results:
    """Search accepted shares. Raises SearchError with a clear message for unusable queries.

    Matching, filtering and facet counting are set operations over posting lists cached as
    frozen sets for the current index generation (they run in C), not a walk over every
    matching document in Python. Only the page of results is ranked one by one.
    """
    text_query = parse(query)
    index_dir = current_app.config["INDEX_DIR"]
    apply_pending(index_dir, wait=False)  # pick up anything a crashed process left behind
    sets = _sets_for(index_dir)
    groups = sets.context_groups(suppression.shown_by_context())
    matched = _evaluate(text_query, sets) & _filter_set(filters, sets, groups)
    if order == "newest" or isinstance(text_query, Every):
        page_docs = _newest(matched, sets, page * per_page)
    else:
        page_docs = _most_relevant(text_query, matched, sets, page * per_page)
    page_docs = page_docs[(page - 1) * per_page:page * per_page]
    terms = {word for fieldname, word in text_query.existing_terms(sets.reader, expand=True)
             if fieldname == "text"}
    return Results(ids=[sets.share_id(doc) for doc in page_docs], total=len(matched),
                   facets=_facet_counts(matched, sets.facets() | groups),
                   terms={t.decode() if isinstance(t, bytes) else t for t in terms})


class _PostingSets:
    """One index generation's posting lists as frozen sets of document numbers, built lazily.

    The facet fields are built in full on first use; text terms one by one as queries need
    them. Held (with an open reader) until the index changes.
    """

    def __init__(self, reader) -> None:
        self.reader = reader
        self.all = frozenset(reader.all_doc_ids())
        self._terms: dict[tuple[str, str], frozenset[int]] = {}
        self._facets: dict[str, dict[str, frozenset[int]]] | None = None
        self._ids: dict[int, str] = {}
        self._groups: tuple[dict, dict[str, dict[str, frozenset[int]]]] | None = None

    def term(self, fieldname: str, text) -> frozenset[int]:
        key = (fieldname, text)
        if key not in self._terms:
            try:
                docs = frozenset(self.reader.postings(fieldname, text).all_ids())
            except TermNotFound:
                docs = frozenset()
            self._terms[key] = docs & self.all if self.reader.has_deletions() else docs
        return self._terms[key]

    def facets(self) -> dict[str, dict[str, frozenset[int]]]:
        if self._facets is None:
            self._facets = {fieldname: self._by_value(fieldname)
                            for fieldname in INDEX_FACETS}
        return self._facets

    def _by_value(self, fieldname: str) -> dict[str, frozenset[int]]:
        return {text: self.term(fieldname, text)
                for text in (v.decode() if isinstance(v, bytes) else v
                             for v in self.reader.lexicon(fieldname))}

    def context_groups(self, shown: dict[Context, Context]) -> dict[str, dict[str,
                                                                             frozenset[int]]]:
        """Documents by the context that may be shown, per context facet and value.

        Built from the opaque keys through ``shown`` (kept while the tally gives the same
        mapping), so a filter or count can only ever see the generalised context.
        """
        if self._groups is None or self._groups[0] is not shown:
            visible = {context_key(exact): view for exact, view in shown.items()}
            groups: dict[str, dict[str, set[int]]] = {name: {} for name in CONTEXT_FACETS}
            for key, docs in self._by_value("context").items():
                view = visible.get(key, suppression.FALLBACK)
                for name, value in _facet_values(view):
                    groups[name].setdefault(value, set()).update(docs)
            self._groups = (shown, {name: {value: frozenset(docs)
                                           for value, docs in values.items()}
                                    for name, values in groups.items()})
        return self._groups[1]

    def share_id(self, docnum: int) -> str:
        if docnum not in self._ids:
            self._ids[docnum] = self.reader.stored_fields(docnum)["id"]
        return self._ids[docnum]


def _facet_values(view: Context) -> Iterator[tuple[str, str]]:
    """(facet, value) pairs of a shown context; items not given are not counted."""
    for name in CONTEXT_FACETS:
        value = view.region.split("/")[0] if name == "nation" else getattr(view, name)
        if value:
            yield name, value


_SETS: dict[str, tuple[tuple[int, int], _PostingSets]] = {}


def _sets_for(index_dir: str) -> _PostingSets:
    ix = _open_or_rebuild(index_dir)
    # A rebuilt index is a new folder that may start at the same generation number.
    generation = (os.stat(index_dir).st_ino, ix.latest_generation())
    cached = _SETS.get(index_dir)
    if cached is None or cached[0] != generation:
        if cached is not None:
            _SETS.pop(index_dir)[1].reader.close()
        while len(_SETS) >= 4:  # one app has one index; tests make many: keep a few open
            _SETS.pop(next(iter(_SETS)))[1].reader.close()
        _SETS[index_dir] = (generation, _PostingSets(ix.reader()))
    return _SETS[index_dir][1]


def _evaluate(query: Query, sets: _PostingSets) -> frozenset[int]:
    """The documents matching ``query``, by set algebra over cached posting sets."""
    if isinstance(query, Every):
        return sets.all
    if isinstance(query, NullQuery.__class__):
        return frozenset()
    if isinstance(query, Term):
        return sets.term(query.fieldname, query.text)
    if isinstance(query, Not):
        return sets.all - _evaluate(query.query, sets)
    if isinstance(query, AndNot):
        return _evaluate(query.a, sets) - _evaluate(query.b, sets)
    if isinstance(query, And):
        result = sets.all
        for child in sorted(query.subqueries, key=lambda q: isinstance(q, Not)):
            result = result & _evaluate(child, sets)
            if not result:
                break
        return result
    if isinstance(query, Or):
        return frozenset().union(*(_evaluate(child, sets) for child in query.subqueries))
    if isinstance(query, Phrase):
        return _phrase(query, sets)
    if isinstance(query, MultiTerm):  # prefix*, wildcards: every term they expand to
        return frozenset().union(*(sets.term(fieldname, text) for fieldname, text
                                   in query.existing_terms(sets.reader, expand=True)))
    with sets.reader.searcher() as searcher:  # anything else: Whoosh's own, slower, way
        return frozenset(query.docs(searcher))


def _phrase(query: Phrase, sets: _PostingSets) -> frozenset[int]:
    """Documents with the words in order: candidates by set intersection, then positions."""
    words = [w.decode() if isinstance(w, bytes) else w for w in query.words]
    candidates = sets.all
    for word in words:
        candidates = candidates & sets.term(query.fieldname, word)
    if len(words) < 2 or not candidates:
        return candidates
    matchers = [sets.reader.postings(query.fieldname, word) for word in words]
    found = []
    for doc in sorted(candidates):
        positions = []
        for matcher in matchers:
            matcher.skip_to(doc)
            positions.append(set(matcher.value_as("positions")))
        if _in_order(positions, query.slop):
            found.append(doc)
    return frozenset(found)


def _in_order(positions: list[set[int]], slop: int) -> bool:
    """Whether some run of positions has each word after the previous (within ``slop``)."""
    starts = positions[0]
    for offset, later in enumerate(positions[1:], start=1):
        if slop <= 1:
            starts = {p for p in starts if p + offset in later}
        else:
            starts = {p for p in starts if any(p < q <= p + offset * slop for q in later)}
        if not starts:
            return False
    return True


def _filter_set(filters: Filters, sets: _PostingSets,
                groups: dict[str, dict[str, frozenset[int]]]) -> frozenset[int]:
    """Documents passing the filters; context filters match the shown context only."""
    result = sets.all
    if filters.themes:
        result = result & frozenset().union(*(sets.term("themes", str(t))
                                              for t in filters.themes))
    for name in ("month", "tagged"):
        if value := getattr(filters, name):
            result = result & sets.term(name, value)
    for name in ("role", "field", "registered", "international"):
        if value := getattr(filters, name):
            result = result & groups[name].get(value, frozenset())
    if filters.region:
        result = result & groups["region" if "/" in filters.region else "nation"].get(
            filters.region, frozenset())
    return result


def _newest(matched: frozenset[int], sets: _PostingSets, needed: int) -> list[int]:
    """The first ``needed`` matches, newest month first, taking whole months by set operation."""
    out: list[int] = []
    for month in sorted(sets.facets()["month"], reverse=True):
        if len(out) >= needed:
            break
        out += sorted(sets.facets()["month"][month] & matched)
    return out[:needed]


def _most_relevant(query: Query, matched: frozenset[int], sets: _PostingSets,
                   needed: int) -> list[int]:
    """Rank by BM25 over the query's words, scoring only the likeliest documents.

    Documents holding more of the rarer query words are taken first (set operations); the
    first few hundred of those are then scored with term frequencies, one by one.
    """
    words = sorted({text for fieldname, text in _positive_terms(query)
                    if fieldname == "text"}, key=lambda w: len(sets.term("text", w)))
    if not words or not matched:
        return _newest(matched, sets, needed)
    pool: list[int] = []
    taken: set[int] = set()
    want = max(needed, 200)
    for size in range(len(words), 0, -1):  # all words, then all but the commonest, ...
        group = matched
        for word in words[:size]:
            group = group & sets.term("text", word)
        fresh = group - taken
        pool += sorted(fresh)[:want - len(pool)]
        taken |= fresh
        if len(pool) >= want:
            break
    if len(pool) < want:
        pool += sorted(matched - taken)[:want - len(pool)]
    scores = _bm25(pool, words, sets)
    return sorted(pool, key=lambda doc: -scores[doc])[:needed]


def _positive_terms(query: Query) -> Iterator[tuple[str, str]]:
    if isinstance(query, Not):
        return
    if isinstance(query, AndNot):
        yield from _positive_terms(query.a)
        return
    if isinstance(query, Term | Phrase):
        for word in ([query.text] if isinstance(query, Term) else query.words):
            yield query.fieldname, (word.decode() if isinstance(word, bytes) else word)
        return
    if isinstance(query, MultiTerm):
        return  # prefixes are matched, not scored
    for child in getattr(query, "subqueries", ()):
        yield from _positive_terms(child)


def _bm25(docs: list[int], words: list[str], sets: _PostingSets, k1: float = 1.2,
          b: float = 0.75) -> dict[int, float]:
    """BM25 scores of ``docs`` for ``words``: one forward pass of each word's postings."""
    reader = sets.reader
    total = len(sets.all) or 1
    average = (reader.field_length("text") / total) or 1
    lengths = {doc: reader.doc_field_length(doc, "text", 1) for doc in docs}
    scores = dict.fromkeys(docs, 0.0)
    ordered = sorted(docs)
    for word in words:
        holders = sets.term("text", word)
        idf = math.log(1 + (total - len(holders) + 0.5) / (len(holders) + 0.5))
        matcher = reader.postings("text", word)
        for doc in ordered:
            if doc not in holders:
                continue
            matcher.skip_to(doc)
            frequency = matcher.weight()
            norm = frequency + k1 * (1 - b + b * lengths[doc] / average)
            scores[doc] += idf * frequency * (k1 + 1) / norm
    return scores


def parse(query: str) -> Query:
    """Parse a researcher's query: words (stemmed), "phrases", AND/OR/NOT, prefix*, (groups)."""
    query = query.strip()
    if len(query) > MAX_QUERY:
        raise SearchError(f"Search for {MAX_QUERY} characters or fewer (you typed "
                          f"{len(query):,})")
    if not query:
        return Every()
    if query.strip("*? ") == "":
        raise SearchError("Type at least one letter before a *: for example nurs* finds "
                          "nurse, nurses and nursing. Leave the box empty to see everything.")
    parser = qparser.QueryParser("text", SCHEMA)
    for plugin in (qparser.FieldsPlugin, qparser.RangePlugin, qparser.BoostPlugin):
        parser.remove_plugin_class(plugin)
    balanced = _balance(query)
    try:
        return parser.parse(balanced)
    except Exception as error:  # noqa: BLE001 - Whoosh raises many kinds for odd input
        raise SearchError("That search could not be understood: check quotes and brackets") \
            from error


def _balance(query: str) -> str:
    """Close an unbalanced quote or bracket rather than fail on it."""
    if query.count('"') % 2:
        query += '"'
    opened = query.count("(") - query.count(")")
    if opened > 0:
        query += ")" * opened
    elif opened < 0:
        query = "(" * -opened + query
    return query


def _facet_counts(matched: frozenset[int],
                  facets: dict[str, dict[str, frozenset[int]]]) -> dict[str, Counter]:
    """For every facet value, how many matching documents have it (set intersections)."""
    counts: dict[str, Counter] = {}
    for fieldname, values in facets.items():
        counts[fieldname] = Counter({value: hit for value, docs in values.items()
                                     if (hit := len(docs & matched))})
    return counts


class _PiecesFormatter(highlight.Formatter):
    """Returns fragments as (text, is_hit) pieces, leaving HTML to journal.text."""

    def format(self, fragments, replace=False):
        out = []
        for fragment in fragments:
            text = fragment.text
            # Widen to whole words: fragments start and end on token boundaries.
            start = text.rfind(" ", 0, fragment.startchar) + 1 if fragment.startchar else 0
            end = text.find(" ", fragment.endchar)
            end = len(text) if end < 0 else end
            pieces, position = [], start
            for token in sorted(fragment.matches, key=lambda t: t.startchar):
                if token.startchar < position:
                    continue
                pieces.append((text[position:token.startchar], False))
                pieces.append((text[token.startchar:token.endchar], True))
                position = token.endchar
            pieces.append((text[position:end], False))
            out.append(pieces)
        return out


def snippets(text: str, terms: set[str], top: int = 2) -> list[list[tuple[str, bool]]]:
    """Fragments of ``text`` around the search terms, as (text, is_hit) pieces."""
    if not terms:
        return []
    fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    return highlight.highlight(text, frozenset(terms), ANALYZER, fragmenter, _PiecesFormatter(),
                               top=top) or []


# --- checking -----------------------------------------------------------------------------------

def check(index_dir: str | None = None) -> list[str]:
    """Differences between the index and the database, in words; empty when they agree."""
    index_dir = index_dir or current_app.config["INDEX_DIR"]
    problems = []
    if not index.exists_in(index_dir):
        return ["the index does not exist (run: flask --app journal search reindex)"]
    if not _current_schema(index.open_dir(index_dir)):
        return ["the index was built by an older version (it is rebuilt on the next search, "
                "or run: flask --app journal search reindex)"]
    pending = db.session.scalar(select(db.func.count()).select_from(IndexOutbox))
    if pending:
        problems.append(f"{pending} change(s) waiting in the outbox")
    expected = {doc["id"]: doc for doc in _docs(set(db.session.scalars(
        select(Share.id).where(Share.status == ShareStatus.ACCEPTED))))}
    with index.open_dir(index_dir).searcher() as searcher:
        indexed = {fields["id"]: fields for fields in searcher.all_stored_fields()}
    for share_id in sorted(set(indexed) - set(expected)):
        problems.append(f"{share_id}: in the index but not an accepted share")
    for share_id in sorted(set(expected) - set(indexed)):
        problems.append(f"{share_id}: accepted but missing from the index")
    for share_id in sorted(set(expected) & set(indexed)):
        stored = indexed[share_id]
        for name, value in expected[share_id].items():
            if name != "text" and stored.get(name, "") != value:
                problems.append(f"{share_id}: {name} is {stored.get(name)!r}, expected "
                                f"{value!r}")
    return problems
