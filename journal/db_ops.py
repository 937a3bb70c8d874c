"""Database statements that stay correct when two requests run them at the same moment."""

from sqlalchemy.dialects import postgresql, sqlite

from journal.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(model, key: dict, values: dict):
    """Insert the row of ``model`` identified by ``key``, or update it with ``values`` if a row
    with that key exists: one ``INSERT ... ON CONFLICT DO UPDATE``, so two first writes at once
    neither fail on the unique constraint nor make two rows. Returns the row as it now is.

    ``key`` names the columns of a unique constraint (the conflict target). The caller commits.
    """
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = insert(model).values(**key, **values)
    statement = statement.on_conflict_do_update(
        index_elements=list(key), set_={name: statement.excluded[name] for name in values})
    return db.session.scalars(statement.returning(model),
                              execution_options={"populate_existing": True}).one()
