"""Database trouble is never a 500: a passing conflict is retried once, then the writer's text
is shown back with a 503 so nothing typed is lost.

PostgreSQL may refuse a transaction that raced another (serialization failure, SQLSTATE 40001;
deadlock, 40P01), and SQLite answers "database is locked" when a writer waits too long. Both
say "try again": every view is wrapped here, in one place, so the session is rolled back and the
view run once more (the request is replayable: its form data and JSON are still there). If that
fails too, or the connection to the database was lost, the handler below answers 503 with the
fields that were sent, and a way to send them again.
"""

import functools
import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import DBAPIError

from journal import errors
from journal.access import from_our_own_page
from journal.extensions import db

#: SQLSTATEs that mean "this transaction lost a race; running it again may well succeed".
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
#: SQLSTATE classes of a lost or refused connection (08: connection exception; 57P: the server
#: shut the session down, as pg_terminate_backend does).
DISCONNECT_SQLSTATE_PREFIXES = ("08", "57P")
#: What SQLite says when another connection holds the lock past the busy timeout.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")
#: Fields sent again unchanged but not shown: the editor's signed author note.
HIDDEN_FIELDS = frozenset({"author"})

COULD_NOT_SAVE = "We could not save this just now. Your text is kept: try again in a moment."

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Retry every view once on a passing conflict; answer 503 for database trouble.

    Call after the blueprints are registered, so that every view is wrapped.
    """
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = retried_once(view)
    # Flask picks the handler of the nearest class, so this one comes before errors.py's
    # catch-all (which re-raises when testing).
    app.register_error_handler(DBAPIError, _database_trouble)


def sqlstate(error: DBAPIError) -> str:
    """The SQLSTATE of the driver's error ("" when the driver gives none, as SQLite's does)."""
    original = error.orig
    return str(getattr(original, "sqlstate", None) or getattr(original, "pgcode", None) or "")


def is_retryable(error: DBAPIError) -> bool:
    """Whether ``error`` says the transaction lost a race and may succeed if run again."""
    if sqlstate(error) in RETRYABLE_SQLSTATES:
        return True
    name = str(getattr(error.orig, "sqlite_errorname", ""))
    message = str(error.orig).lower()
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or any(
        text in message for text in SQLITE_BUSY_MESSAGES)


def is_disconnect(error: DBAPIError) -> bool:
    """Whether ``error`` says the connection to the database was lost."""
    return bool(error.connection_invalidated) or sqlstate(error).startswith(
        DISCONNECT_SQLSTATE_PREFIXES)


def retried_once(view):
    """``view``, run a second time (after a rollback) if the first run lost a race."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            if not is_retryable(error):
                raise
            log.warning("Retrying %s once after: %s", request.endpoint, error.orig)
            db.session.rollback()
            return view(*args, **kwargs)

    return run


def _database_trouble(error: DBAPIError):
    if not (is_retryable(error) or is_disconnect(error)):
        return errors.server_error(error)  # the ordinary 500 page, for any other error
    db.session.rollback()
    log.error("Database trouble on %s: %s", request.endpoint, error.orig)
    later = {"Retry-After": "5"}
    if request.is_json or request.endpoint == "journal.autosave":
        # The autosave script keeps its copy on the phone and sends it again later.
        return jsonify(error=COULD_NOT_SAVE, kept=False), 503, later
    return render_template("errors/db_trouble.html", bare=True, **_kept_form()), 503, later


def _kept_form() -> dict:
    """What was sent, to show back and (from our own page only) to send again."""
    if request.method != "POST":
        return {"posted": False}
    sent = [(name, value) for name, value in request.form.items(multi=True)
            if name not in errors.SECRET_FIELDS]  # passwords, the old token
    shown = [(name, value) for name, value in sent if name not in HIDDEN_FIELDS and value]
    # A fresh token and a "Try again" button would make a forged cross-site post a one-click
    # attack, so only a request that shows it came from our page gets them (as in errors.py).
    again = from_our_own_page(strict=True)
    return {"posted": True, "shown": shown, "resend": sent if again else None,
            "csrf": generate_csrf() if again else "", "action": request.path}
