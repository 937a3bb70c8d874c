"""Get-or-create as one statement: ``INSERT ... ON CONFLICT`` in the bind's own dialect.

Reading a row and inserting it if missing lets two requests both miss it and one of them fail
on the unique constraint. The database settles it instead: the second insert updates the row
(or does nothing), so concurrent first writes neither fail nor duplicate. The caller commits.
"""

from sqlalchemy.dialects import postgresql, sqlite

from journal.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _insert(target, values: dict):
    return _INSERTS[db.session.get_bind().dialect.name](target).values(**values)


def upsert(model, values: dict, keys: tuple[str, ...], update: tuple[str, ...] = (),
           bump: str | None = None) -> None:
    """Insert ``values`` into ``model``'s table; where a row with the same ``keys`` (a unique
    constraint) exists, set its ``update`` columns to the new values (or leave it as it is).
    ``bump`` names a version column to increase by one when an existing row is updated."""
    table = model.__table__
    insert = _insert(table, values)
    if update:
        changes = {column: insert.excluded[column] for column in update}
        if bump:
            changes[bump] = table.c[bump] + 1
        statement = insert.on_conflict_do_update(index_elements=list(keys), set_=changes)
    else:
        statement = insert.on_conflict_do_nothing(index_elements=list(keys))
    db.session.execute(statement)


def upsert_row(model, key: dict, values: dict):
    """Insert the row of ``model`` identified by ``key`` (the columns of a unique constraint), or
    set ``values`` on the row that has it; returns the row as it now is."""
    insert = _insert(model, {**key, **values})  # ORM-enabled: returns the row
    statement = insert.on_conflict_do_update(
        index_elements=list(key), set_={name: insert.excluded[name] for name in values})
    return db.session.scalars(statement.returning(model),
                              execution_options={"populate_existing": True}).one()


def insert_once(model, values: dict, keys: tuple[str, ...]):
    """Insert ``values`` into ``model``'s table unless a row with the same ``keys`` (a unique
    constraint) exists; returns the new row's id, or None when the row was there already.

    Two inserts at once with the same keys make one row: on PostgreSQL the second waits for the
    first's transaction and then does nothing; SQLite runs writes one at a time.
    """
    table = model.__table__
    statement = (_insert(table, values).on_conflict_do_nothing(index_elements=list(keys))
                 .returning(*table.primary_key))
    return db.session.execute(statement).scalar()
