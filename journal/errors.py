"""Error pages: clear words, the NHS.UK look, and never a lost form."""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from journal import page_owner
from journal.access import (
    OPENED_BY_ANOTHER,
    from_our_own_page,
    keep_unsaved_writing,
    show_typed_words,
)
from journal.boundary import JSON_TOO_BIG, SECRET_FIELDS
from journal.extensions import db


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, server_error)


def _csrf_error(error: CSRFError):
    # The form's security token was missing or stale (often an expired session). Nothing was
    # saved. An entry is kept until its writer signs in again; any other form is shown back
    # with what was typed, to send again with a fresh token.
    kept = keep_unsaved_writing()
    if kept is not None:
        return kept
    if request.is_json:  # the autosave script: it fetches fresh tokens once and sends again
        return jsonify(error="This page's security token has expired.", csrf_expired=True), 400
    if not from_our_own_page(strict=True):
        # A fresh token and a "Send it again" button would turn a forged cross-site post into
        # a one-click attack, so a request that cannot show it came from our page gets neither.
        return render_template("errors/csrf.html", refused=True), 400
    if (shown := show_typed_words()) is not None:
        return shown  # the session ended: a fresh token would only send it to sign in
    if page_owner.someone_else(request.form):
        # Another account's tab on a shared computer: its words are not shown to whoever is
        # signed in now, and a "Send it again" would file them under the wrong account.
        return render_template("errors/csrf.html", other_account=OPENED_BY_ANOTHER), 400
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in SECRET_FIELDS]
    return render_template("errors/csrf.html", kept=kept, action=request.path), 400


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if request.is_json:  # the autosave script reads JSON, even for a body too large to take
        message = JSON_TOO_BIG if error.code == 413 else error.description
        return jsonify(error=message), error.code
    return render_template("errors/http.html", error=error), error.code


def server_error(error: Exception):
    """The 500 page, after rolling back whatever the request had begun."""
    db.session.rollback()
    if current_app.testing:
        raise error  # let the test show the real traceback
    logging.getLogger(__name__).exception("Unhandled error on %s", request.path)
    return render_template("errors/500.html"), 500
