"""Taking a writer's withdrawn words out of what the research team and leaders wrote.

Collections point at shares and never copy them, but people quote: commentary, summaries,
titles, memos, the codebook, return reasons and leaders' responses can all hold a writer's
words. When words are withdrawn, or may no longer reach an audience, every verbatim run of them
(see ``journal.privacy.quotes``) is replaced by a marker. Helpers flush; the caller commits.
"""

from collections.abc import Iterable

from sqlalchemy import select

from journal.extensions import db
from journal.models import Audience, Collection, CollectionItem, Memo, Response, Scope, Share, Theme
from journal.privacy import quotes

# Every free-text column of the research models that is not itself a writer's shared words.
# Theme names are unique, so they are handled on their own (see _rename_themes).
_RESEARCH_TEXT = ((Collection, ("title", "summary")), (CollectionItem, ("commentary",)),
                  (Response, ("text",)), (Theme, ("description",)), (Memo, ("text",)),
                  (Share, ("return_reason",)))


def remove_everywhere(words: str, keep: str = "") -> None:
    """Replace quotes of ``words`` (except runs still in ``keep``) in every research text."""
    quoted = quotes.runs(words) - quotes.runs(keep)
    if not quoted:
        return
    for model, columns in _RESEARCH_TEXT:
        _redact(db.session.scalars(select(model)), columns, quoted)
    _rename_themes(quoted)
    db.session.flush()


def remove_beyond(words: str, scope: Scope) -> None:
    """Replace quotes of ``words`` in every collection whose audience ``scope`` does not allow:
    its title, summary, commentary and leaders' responses are read by that audience."""
    audiences = [audience for audience in Audience if not audience.allows(scope)]
    quoted = quotes.runs(words)
    if not audiences or not quoted:
        return
    ids = select(Collection.id).where(Collection.audience.in_(audiences))
    _redact(db.session.scalars(select(Collection).where(Collection.id.in_(ids))),
            ("title", "summary"), quoted)
    _redact(db.session.scalars(select(CollectionItem).where(
        CollectionItem.collection_id.in_(ids))), ("commentary",), quoted)
    _redact(db.session.scalars(select(Response).where(Response.collection_id.in_(ids))),
            ("text",), quoted)
    db.session.flush()


# The version a form for each text carries: bumped when a quote is taken out, so a form opened
# before the withdrawal cannot save the quote back (it gets the "changed meanwhile" page).
_VERSIONS = {Collection: "details_version", CollectionItem: "version", Response: "version",
             Theme: "version"}


def _redact(rows: Iterable, columns: tuple[str, ...], quoted: quotes.Runs) -> None:
    for row in rows:
        changed = False
        for column in columns:
            value = getattr(row, column)
            redacted = quotes.redact(value, quoted) if value else value
            if redacted != value:
                setattr(row, column, _fit(type(row), column, redacted))
                changed = True
        if changed:
            _bump(row)


def _bump(row) -> None:
    """Increase the row's form version in SQL (``version = version + 1``) at the flush."""
    name = _VERSIONS.get(type(row))
    if name is not None:
        setattr(row, name, getattr(type(row), name) + 1)


def _fit(model, column: str, text: str) -> str:
    """Clip to the column's length: the marker can be longer than the words it replaces."""
    limit = getattr(model.__table__.c[column].type, "length", None)
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


def _rename_themes(quoted: quotes.Runs) -> None:
    """Theme names are often the writers' own words ("in vivo" codes); keep them unique."""
    themes = db.session.scalars(select(Theme)).all()
    taken = {theme.name.casefold() for theme in themes}
    for theme in themes:
        name = quotes.redact(theme.name, quoted)
        if name == theme.name:
            continue
        name = candidate = _fit(Theme, "name", name)
        number = 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{name[:70]} ({number})"
        taken.add(candidate.casefold())
        theme.name = candidate
        _bump(theme)
