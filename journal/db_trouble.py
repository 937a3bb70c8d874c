"""Database trouble is never a 500: a passing conflict is retried once, then the writer's text
is shown back with a 503 so nothing typed is lost.

PostgreSQL may refuse a transaction that raced another (serialization failure, SQLSTATE 40001;
deadlock, 40P01) or end a statement that waited too long for a lock or ran too long (55P03,
57014: see the timeouts in journal/config.py), and SQLite answers "database is locked" when a
writer waits too long. All say "try again": every view is wrapped here, in one place, so the
session is rolled back and the view run once more (the request is replayable: its form data
and JSON are still there), unless the first run took so long that a second would outlast the
worker. If that fails too, or the connection to the database was lost, the handler below
answers 503 with the fields that were sent, and a way to send them again. Neither the handler
nor its page asks the database anything, and a connection lost by the time the request ends is
let go quietly, so an answer already made is never turned into a 500.
"""

import functools
import logging
import time

from flask import Flask, current_app, g, has_app_context, jsonify, render_template, request
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from journal import errors
from journal.access import from_our_own_page
from journal.boundary import NOT_SHOWN, SECRET_FIELDS
from journal.extensions import db, login_manager
from journal.forms.journal import submission_key

#: SQLSTATEs that mean "this transaction lost a race; running it again may well succeed".
#: 55P03 (lock_not_available) and 57014 (query_canceled) are a lock_timeout or statement_timeout.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})
#: SQLSTATE classes of a lost or refused connection (08: connection exception; 57P: the server
#: shut the session down, as pg_terminate_backend does).
DISCONNECT_SQLSTATE_PREFIXES = ("08", "57P")
#: What SQLite says when another connection holds the lock past the busy timeout.
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database is busy")

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
    # Registered after Flask-SQLAlchemy's own, so it runs first (teardowns run in reverse).
    app.teardown_appcontext(_end_session_quietly)
    event.listen(db.session, "after_commit", _count_commit)


def _count_commit(session) -> None:
    if has_app_context():
        g.db_commits = g.get("db_commits", 0) + 1


def _commits() -> int:
    """How many transactions this request has committed so far."""
    return g.get("db_commits", 0)


def _end_session_quietly(error: BaseException | None) -> None:
    # A connection lost after the answer was made (a database restart) must not turn that
    # answer into a 500: the session is let go, its dead connection thrown away.
    try:
        db.session.remove()
    except SQLAlchemyError as lost:
        log.warning("Database connection lost at the end of a request: %s", lost)
        _throw_away_session()


def _throw_away_session() -> None:
    """Forget the session without asking the database anything (its connection is gone)."""
    try:
        db.session().invalidate()
    except SQLAlchemyError:
        pass  # nothing more can be done with it; the pool checks connections before use
    db.session.registry.clear()


def rollback_quietly() -> None:
    """Roll back whatever the request began; if the connection is gone, throw it away."""
    try:
        db.session.rollback()
    except SQLAlchemyError as lost:
        log.warning("Rollback failed: %s", lost)
        _throw_away_session()


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
    """``view``, run a second time (after a rollback) if the first run lost a race.

    Not when the first run took so long (waiting for a lock) that a second would outlast the
    worker: then the writer gets the 503 page rather than a cut connection.
    """

    @functools.wraps(view)
    def run(*args, **kwargs):
        started = time.monotonic()
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            took = time.monotonic() - started
            if not is_retryable(error) or took > current_app.config["DB_RETRY_WITHIN_SECONDS"]:
                raise
            log.warning("Retrying %s once after: %s", request.endpoint, error.orig)
            rollback_quietly()
            return view(*args, **kwargs)

    return run


def _database_trouble(error: DBAPIError):
    if not (is_retryable(error) or is_disconnect(error)):
        return errors.server_error(error)  # the ordinary 500 page, for any other error
    rollback_quietly()
    log.error("Database trouble on %s: %s", request.endpoint, error.orig)
    later = {"Retry-After": "5", "Cache-Control": "no-store"}
    if request.is_json or request.endpoint == "journal.autosave":
        # The autosave script keeps its copy on the phone and sends it again later.
        return jsonify(error=COULD_NOT_SAVE, kept=False), 503, later
    # The page must not ask the database anything: whoever is signed in is not looked up (a
    # user already loaded has expired attributes that would be read again), so nothing in the
    # templates can reach for it. The page is bare, with no account in it either way.
    g._login_user = login_manager.anonymous_user()
    return render_template("errors/db_trouble.html", bare=True,
                           **_kept_form(_may_be_saved(error))), 503, later


def _may_be_saved(error: DBAPIError) -> bool:
    """Whether the request's writing may have reached the database after all.

    A lost connection may have been lost after the commit (or during it, the database having
    committed and the answer never arriving); a refused transaction was rolled back, and only
    an earlier commit of the same request can have saved anything.
    """
    return is_disconnect(error) or _commits() > 0


def _kept_form(maybe_saved: bool) -> dict:
    """What was sent, to show back and (from our own page only) to send again."""
    if request.method != "POST":
        return {"posted": False}
    sent = [(name, value) for name, value in request.form.items(multi=True)
            if name not in SECRET_FIELDS]  # passwords, the old token
    shown = [(name, value) for name, value in sent if name not in NOT_SHOWN and value]
    # A fresh token and a "Try again" button would make a forged cross-site post a one-click
    # attack, so only a request that shows it came from our page gets them (as in errors.py).
    again = from_our_own_page(strict=True)
    # A new entry sent with its form's key is saved once however often it is sent.
    keyed = (request.endpoint == "journal.new"
             and submission_key(request.form.get("submission_key")) is not None)
    return {"posted": True, "shown": shown, "resend": sent if again else None,
            "csrf": generate_csrf() if again else "", "action": request.path,
            "maybe_saved": maybe_saved, "resend_is_safe": keyed or not maybe_saved}
