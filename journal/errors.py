"""Error pages: clear words, the NHS.UK look, and never a lost form."""

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from journal.access import keep_unsaved_writing
from journal.extensions import db

#: Form fields never echoed back on the "form expired" page.
_SECRET_FIELDS = frozenset({"csrf_token", "password", "confirm", "current_password",
                            "new_password"})


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _csrf_error(error: CSRFError):
    # The form's security token was missing or stale (often an expired session). Nothing was
    # saved. An entry is kept until its writer signs in again; any other form is shown back
    # with what was typed, to send again with a fresh token.
    kept = keep_unsaved_writing()
    if kept is not None:
        return kept
    if not _from_our_own_page():
        # A fresh token and a "Send it again" button would turn a forged cross-site post into
        # a one-click attack, so a request that cannot show it came from our page gets neither.
        return render_template("errors/csrf.html", refused=True), 400
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name not in _SECRET_FIELDS]
    return render_template("errors/csrf.html", kept=kept, action=request.path), 400


def _from_our_own_page() -> bool:
    """Whether the browser says this request came from a page of this site (same origin).

    ``Sec-Fetch-Site`` decides where the browser sends it: no page can set it, and it does not
    depend on how a proxy rewrote the address. Older browsers are judged by ``Origin``, or the
    ``Referer`` where there is no ``Origin``. A request with none of them is not trusted.
    """
    if (fetch_site := request.headers.get("Sec-Fetch-Site")) is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.referrer
    if not source:
        return False
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}".lower() == f"{request.scheme}://{request.host}".lower()


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return render_template("errors/http.html", error=error), error.code


def _server_error(error: Exception):
    db.session.rollback()
    if current_app.testing:
        raise error  # let the test show the real traceback
    logging.getLogger(__name__).exception("Unhandled error on %s", request.path)
    return render_template("errors/500.html"), 500
