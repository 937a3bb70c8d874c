"""Security headers on every response, and cookies marked Secure when served over HTTPS."""

from flask import Flask, Response, current_app, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from journal.auth_session import WITHDRAW_ONLY

CSP = ("default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'")


def init_app(app: Flask) -> None:
    """Register the header hook and the middleware that secures cookies over HTTPS."""
    app.after_request(_secure_headers)
    app.after_request(_no_store_for_answers)
    app.wsgi_app = _SecureCookies(app.wsgi_app)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        # Outermost, so the scheme and client address are right for everything inside.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _secure_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if _signed_in():
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _no_store_for_answers(response: Response) -> Response:
    """Never cache an error page or a page answering a form, whoever is (or is not) signed in.

    They are the pages that show typed text back (a refused form, an expired one, a session
    that ended), and a shared computer's browser cache must not keep those words.
    """
    if response.status_code >= 400 or (request.method == "POST"
                                       and response.mimetype == "text/html"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    """Whether this request is (or may be) from a signed-in session, told from the session and
    cookies alone: asking the database here, after the view's commit, could turn a saved entry's
    answer into an error if the connection was lost meanwhile. It errs towards "signed in"."""
    return ("_user_id" in session or WITHDRAW_ONLY in session
            or current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies)


class _SecureCookies:
    """WSGI middleware adding ``Secure`` to every cookie of a response served over HTTPS.

    It works below Flask so it also sees the session and remember-me cookies, which are set
    after the app's own after-request hooks have run.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)
