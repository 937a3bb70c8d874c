"""Small-number suppression: the context researchers and leaders may see for each combination.

Every page, export and search works on this one mapping, read from the tally of distinct
sharers (``ContextSharer``) at the moment of use, so what one view reveals about a share's
context is never more than what its own page shows. Sits below services and search, which both
use it.
"""

from sqlalchemy import select

from journal.context import NOT_SHOWN, Context, generalise
from journal.extensions import db
from journal.models import ContextSharer

#: What is shown for a context the tally does not hold (it should always hold it).
FALLBACK = Context(*([NOT_SHOWN] * 5))

_LAST: tuple[frozenset, dict[Context, Context]] | None = None


def shown_by_context() -> dict[Context, Context]:
    """Each exact context held by a sharer, mapped to what may be shown of it now.

    The same tally gives the same (identical) dict, so callers may cache work built on it.
    """
    global _LAST
    # Plain tuples through the connection: every search reads the whole tally (O(sharers)),
    # as the only way to be never stale without a change counter the writers' side keeps.
    rows = frozenset(map(tuple, db.session.connection().execute(select(
        ContextSharer.sharer, ContextSharer.role, ContextSharer.field, ContextSharer.region,
        ContextSharer.registered, ContextSharer.international))))
    if _LAST is None or _LAST[0] != rows:
        _LAST = (rows, generalise((sharer, Context(*values)) for sharer, *values in rows))
    return _LAST[1]

