"""CSV exports for researchers: built from the database at the moment of export, so a withdrawn
share is never in one. Context is generalised exactly as on screen."""

import csv
import io

from sqlalchemy import select

from journal.extensions import db
from journal.models import Share, ShareStatus, Tag, Theme
from journal.services import sharing

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _context_columns(context) -> list[str]:
    labels = dict(context.labels())
    return [labels.get(question, "") for question in
            ("Your role", "Your field", "Where you work", "Time since registering",
             "Where you trained")]


CONTEXT_HEADER = ["role", "field", "region", "time since registering", "trained"]


def shares_csv() -> str:
    """Accepted shares with their themes and (generalised) context."""
    shares = db.session.scalars(select(Share).where(Share.status == ShareStatus.ACCEPTED)
                                .order_by(Share.month, Share.id)).all()
    contexts = sharing.shown_contexts(shares)
    names: dict[str, set[str]] = {}
    for share_id, name in db.session.execute(select(Tag.share_id, Theme.name).join(Theme)):
        names.setdefault(share_id, set()).add(name)
    return _csv(["share", "month", "consent", "text", "themes", *CONTEXT_HEADER],
                ([s.id, s.month, s.scope.value, s.text, "; ".join(sorted(names.get(s.id, ()))),
                  *_context_columns(contexts[s.id])] for s in shares))


def excerpts_csv() -> str:
    """Every excerpt, by theme, with the share it comes from and its (generalised) context."""
    tags = db.session.scalars(
        select(Tag).join(Theme).join(Share).where(Tag.start.is_not(None),
                                                  Share.status == ShareStatus.ACCEPTED)
        .order_by(Theme.name, Share.month, Tag.start)).all()
    contexts = sharing.shown_contexts(list({t.share.id: t.share for t in tags}.values()))
    return _csv(["theme", "share", "month", "start", "end", "excerpt", *CONTEXT_HEADER],
                ([t.theme.name, t.share_id, t.share.month, t.start, t.end, t.quote,
                  *_context_columns(contexts[t.share_id])] for t in tags))
