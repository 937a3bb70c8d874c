"""Flask extensions, created here and bound to the app in ``create_app``."""

import sqlite3

from flask import has_request_context, request
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

#: Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys (ON DELETE CASCADE), and overwrite deleted rows with zeros so
    a withdrawn share's text does not linger in free pages of the database file."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


# --- SQLite under several worker processes: writes wait their turn -------------------------------
#
# pysqlite opens a transaction lazily, just before the first INSERT/UPDATE/DELETE. A request that
# read and then writes must then upgrade its lock, and if another process is already writing,
# SQLite answers "database is locked" at once (waiting could deadlock, so the busy timeout is not
# used). A writing request (any method but GET, HEAD, OPTIONS) therefore starts its transaction
# with BEGIN IMMEDIATE: it takes the write lock first, waiting up to SQLITE_BUSY_SECONDS for it,
# and its reads and writes are one transaction. Everything else (pages, the CLI, a test's own
# session) keeps pysqlite's lazy deferred BEGIN, so reading never holds a lock between statements.

_READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """SQLite: BEGIN IMMEDIATE for the transactions of a writing request."""
    if conn.dialect.name != "sqlite":
        return
    dbapi_connection = conn.connection.dbapi_connection
    writing = has_request_context() and request.method not in _READING_METHODS
    # None: pysqlite emits no BEGIN of its own; "": its lazy deferred BEGIN. No transaction is
    # open here, so switching commits nothing.
    level = None if writing else ""
    try:
        if dbapi_connection.isolation_level != level:
            dbapi_connection.isolation_level = level
    except sqlite3.ProgrammingError:
        return  # a closed connection: the statement that follows fails with the driver's error
    if writing:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
