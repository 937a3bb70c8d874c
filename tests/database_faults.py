"""Database trouble on demand, for the tests: lost races the database reports, and dropped
connections. The errors are the driver's own, raised where the driver would raise them (as a
statement runs), so SQLAlchemy and the app see exactly what a real failure looks like.
"""

import re
import sqlite3

import psycopg.errors
from sqlalchemy import create_engine, event, text

from journal.extensions import db
from tests.conftest import DATABASE_URL

ON_POSTGRESQL = DATABASE_URL.startswith("postgresql")

#: The "try again" errors each database really gives, by name.
LOST_RACES = {
    "serialization": lambda: psycopg.errors.SerializationFailure(
        "could not serialize access due to concurrent update"),
    "deadlock": lambda: psycopg.errors.DeadlockDetected("deadlock detected"),
    "locked": lambda: sqlite3.OperationalError("database is locked"),
}
#: A database error that is no lost race: running it again would not help.
DISK_FULL = ((lambda: psycopg.errors.DiskFull("could not extend file: disk full"))
             if ON_POSTGRESQL
             else (lambda: sqlite3.OperationalError("database or disk is full")))
#: The ones this run's database can give (a SQLite run has no SQLSTATEs, and the reverse).
KINDS = ["serialization", "deadlock"] if ON_POSTGRESQL else ["locked"]


class Faults:
    """Makes the next ``times`` statements matching ``pattern`` fail with ``error()``."""

    def __init__(self, engine) -> None:
        self.engine, self.armed, self.raised = engine, [], 0
        event.listen(engine, "before_cursor_execute", self._before)

    def arm(self, pattern: str, times: int, error) -> None:
        """Fail the next ``times`` statements that start with ``pattern`` (a regex)."""
        self.armed = [(re.compile(pattern, re.IGNORECASE | re.DOTALL), error)] * times

    def _before(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.armed and self.armed[0][0].match(statement.lstrip()):
            _, error = self.armed.pop(0)
            self.raised += 1
            raise error()

    def remove(self) -> None:
        """Stop listening (the engine outlives nothing, but be tidy)."""
        event.remove(self.engine, "before_cursor_execute", self._before)


class Connections:
    """Every database connection the app's pool has handed back, to cut them all at once."""

    def __init__(self, engine) -> None:
        self.seen = []
        event.listen(engine, "checkin", self._checked_in)

    def _checked_in(self, dbapi_connection, record) -> None:
        if dbapi_connection is not None and dbapi_connection not in self.seen:
            self.seen.append(dbapi_connection)

    def drop(self, app) -> int:
        """Cut every connection the app holds, as a database restart would; return how many.

        PostgreSQL: pg_terminate_backend from a connection of our own, only for connections
        named after this app (parallel test runs are left alone). SQLite has no server to drop
        anything, so the nearest thing is closing the connections under the pool's feet.
        """
        db.session.rollback()  # the test's own session gives its connection back to the pool
        if ON_POSTGRESQL:
            return _terminate_backends(app.config["DATABASE_APPLICATION_NAME"])
        for connection in self.seen:
            connection.close()
        return len(self.seen)


def _terminate_backends(name: str) -> int:
    killer = create_engine(db.engine.url, connect_args={"application_name": "journal-killer"})
    try:
        with killer.begin() as conn:
            return len(conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND application_name = :name"), {"name": name}).all())
    finally:
        killer.dispose()
