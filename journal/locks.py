"""Row locks for read-then-write use cases, taken in the database, never in Python.

A request that reads rows, decides and then writes must not decide on what another request is
about to change. ``lock`` takes the rows' write lock for the rest of the transaction
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite, which locks the whole database, a write that
changes nothing, so the transaction holds the write lock from here on) and then forgets every
value the session loaded, so what the caller reads next is what is committed now.
"""

from sqlalchemy import select, update

from journal.extensions import db


def lock(model, *criteria) -> int:
    """Lock ``model``'s rows matching ``criteria`` until commit; return how many there are."""
    table = model.__table__
    key = next(iter(table.primary_key))
    if db.session.get_bind().dialect.name == "postgresql":
        # In key order, so two requests locking overlapping rows cannot deadlock.
        found = len(db.session.execute(select(key).where(*criteria).order_by(key)
                                       .with_for_update()).all())
    else:
        found = db.session.execute(update(table).where(*criteria)
                                   .values({key.name: key})).rowcount
    db.session.expire_all()
    return found
