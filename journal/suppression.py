"""Small-number suppression: the context the research team may see for each combination.

Every research page, export and search works on this one mapping, so what one view reveals
about a share's context is never more than what its own page shows. Only shares the research
team accepted, from accounts at least ``ESTABLISHED_DAYS`` old, count towards the threshold,
so nobody can reach it by signing up and sharing filler. Readers outside the research team see
``for_readers``: what the research team sees, made coarser still, so a value suppression hides
is never shown to anyone. Sits below services and search, which both use it.
"""

import secrets

from sqlalchemy import select

from journal.context import NOT_GIVEN, NOT_SHOWN, Context, generalise
from journal.extensions import db
from journal.models import ContextSharer, TallyVersion
from journal.upsert import upsert

#: What is shown for a context the tally does not hold (it should always hold it).
FALLBACK = Context(*([NOT_SHOWN] * 5))
#: How old an account must be for its accepted shares to count: a sign-up has to wait this
#: long (and get past review) before it can help lift anyone's suppression.
ESTABLISHED_DAYS = 14

_CACHE: tuple[str, dict[Context, Context]] | None = None


def bump() -> None:
    """Record, in the caller's transaction, that the tally changed (drops cached mappings)."""
    # One statement, so two first changes at once cannot both insert the row.
    upsert(TallyVersion, {"id": 1, "token": secrets.token_hex(16)}, keys=("id",),
           update=("token",))


def shown_by_context() -> dict[Context, Context]:
    """Each exact context held by a share, mapped to what the research team may see of it now.

    The same tally version gives the same (identical) dict, so callers may cache work built on
    it.
    """
    global _CACHE
    connection = db.session.connection()
    # The token is read before the tally: a change committed between the two reads is then
    # cached under the old token, which no later reader is given, never the other way round.
    token = connection.execute(select(TallyVersion.token).where(TallyVersion.id == 1)).scalar()
    if token is not None and _CACHE is not None and _CACHE[0] == token:
        return _CACHE[1]
    rows = connection.execute(select(
        ContextSharer.sharer, ContextSharer.accepted & ContextSharer.established,
        ContextSharer.role, ContextSharer.field, ContextSharer.region, ContextSharer.registered,
        ContextSharer.international)).all()
    shown = generalise(((sharer, Context(*values)) for sharer, counts, *values in rows if counts),
                       {Context(*values) for _, _, *values in rows})
    _CACHE = (token, shown) if token is not None else None
    return shown


def for_readers(shown: Context) -> Context:
    """The caption shown outside the research team, from the context the research team may see
    (``shown``, already suppressed): the role and the nation at most.

    Coarsening only drops what suppression let through, never brings back what it hid; and as
    only established, accepted sharers count, no sign-up can change it.
    """
    nation = shown.region.split("/")[0]
    # "UK" is the region generalised all the way up: it tells a reader nothing.
    return Context(role=shown.role, region=NOT_GIVEN if nation == "uk" else nation)
