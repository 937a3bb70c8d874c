"""Optimistic versions: a form carries the version of the row it was drawn from, and a save
from an older one changes nothing.

Two devices (a phone and a computer) can each open a form, and the later save would otherwise
silently overwrite the earlier one. The check is one statement in the database,
``UPDATE ... SET ..., version = version + 1 WHERE ... AND version = :seen``, so of two saves
from the same version exactly one is applied, whatever the timing.
"""

from sqlalchemy import update

from journal.extensions import db
from journal.upsert import insert_once, upsert

#: The version a form shows when there is no row yet: its save may only create the row.
NONE_YET = 0


def compare_and_set(column, seen: int | None, where: list, values: dict) -> bool:
    """Set ``values`` on the row ``where`` selects and bump its version ``column``, only if that
    is still ``seen`` (None: unchecked, for a request that sent no version); whether it did."""
    criteria = list(where) if seen is None else [*where, column == seen]
    statement = (update(column.class_).where(*criteria)
                 .values({column.key: column + 1, **values})
                 .execution_options(synchronize_session=False))
    return db.session.execute(statement).rowcount == 1


def create_or_set(column, seen: int | None, key: dict, values: dict,
                  first: dict | None = None) -> bool:
    """Save the row identified by ``key`` (a unique constraint): insert it (with ``first`` too)
    when the form saw no row (``seen`` NONE_YET; refused if one appeared meanwhile), otherwise
    as compare_and_set. With no version sent at all, the old upsert: the last save wins."""
    model, row = column.class_, {**key, **values, **(first or {})}
    if seen is None:
        upsert(model, row, keys=tuple(key), update=tuple(values), bump=column.key)
        return True
    if seen == NONE_YET:
        # An upsert that does nothing on a clash: a row saved meanwhile is never overwritten.
        return insert_once(model, row, keys=tuple(key)) is not None
    where = [getattr(model, name) == value for name, value in key.items()]
    return compare_and_set(column, seen, where, values)
