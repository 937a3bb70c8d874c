"""Get-or-create as one statement: ``INSERT ... ON CONFLICT`` in the bind's own dialect.

Reading a row and inserting it if missing lets two requests both miss it and one of them fail
on the unique constraint. The database settles it instead: the second insert updates the row
(or does nothing), so concurrent first writes neither fail nor duplicate.
"""

from sqlalchemy.dialects import postgresql, sqlite

from journal.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(model, values: dict, keys: tuple[str, ...], update: tuple[str, ...] = ()) -> None:
    """Insert ``values`` into ``model``'s table; where a row with the same ``keys`` (a unique
    constraint) exists, set its ``update`` columns to the new values (or leave it as it is)."""
    insert = _INSERTS[db.session.get_bind().dialect.name](model.__table__).values(**values)
    if update:
        statement = insert.on_conflict_do_update(
            index_elements=list(keys), set_={column: insert.excluded[column] for column in update})
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(keys))
    db.session.execute(statement)
