"""Who may do what: the default-deny gate, role gates per blueprint and scoped loaders."""

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from journal import page_owner
from journal.boundary import parse_id, refused
from journal.extensions import login_manager
from journal.forms.typed import typed_words
from journal.models import Entry, Role, User
from journal.services import audit, drafts
from journal.services import journal as journal_service

T = TypeVar("T")

#: The only endpoints reachable without signing in. Everything else is denied by default.
PUBLIC_ENDPOINTS = frozenset({"static", "main.index", "auth.login", "auth.signup",
                              # checks for itself: public collections need no account
                              "reading.read", "main.service_worker", "main.offline",
                              # check for themselves: a deactivated writer's withdraw-only session
                              "withdrawals.index", "withdrawals.withdraw",
                              "withdrawals.sign_out",
                              # the writing page kept offline: it never holds anyone's text
                              "main.writing_shell"})


def init_app(app: Flask) -> None:
    """Install the app-wide gate: sign-in is required except for PUBLIC_ENDPOINTS."""
    app.before_request(_require_sign_in)


#: Where a writer's words arrive: a save of an entry, or its editor's autosave.
ENTRY_EDITORS = frozenset({"journal.new", "journal.edit", "journal.autosave"})

OTHER_ACCOUNT = ("This page was opened by another account on this device, so nothing was saved "
                 "to yours. What was typed there is kept for its writer, who will see it after "
                 "signing in.")
NOT_KEPT = ("This page is out of date, so nothing was saved or kept. Sign in and open the "
            "editor again.")
OPENED_BY_ANOTHER = "This page was opened by another account, so nothing was sent."
SESSION_ENDED = ("Your session had ended, so we kept what you wrote. Sign in again and it will "
                 "be back in the editor.")


#: Forms meant to be sent by someone not signed in: their own views answer them.
SIGNED_OUT_FORMS = frozenset({"auth.login", "auth.signup", "withdrawals.withdraw",
                              "withdrawals.sign_out"})


def _require_sign_in():
    if request.endpoint is None:
        return None  # unknown URLs fall through to the 404 handler
    if request.endpoint in PUBLIC_ENDPOINTS:
        return show_typed_words()  # a leader's response to a collection, sent signed out
    kept = keep_unsaved_writing()
    if kept is not None or current_user.is_authenticated:
        return kept
    return show_typed_words() or login_manager.unauthorized()


def show_typed_words():
    """A form sent after its session ended: show back what was typed, or None if not that.

    Only words from one of our own pages are shown, so another site cannot make us echo its
    text; only from a form carrying our signed page-owner note, so no made-up post is echoed;
    and only the text fields (never passwords, tokens or hidden ids). They are what was on that
    screen already, and are stored nowhere: not on the server, not in a cache.
    """
    if (request.method != "POST" or current_user.is_authenticated
            or request.endpoint in SIGNED_OUT_FORMS):
        return None
    typed = typed_words(request.form)
    if (not typed or not from_our_own_page(strict=True)
            or page_owner.opened_by(request.form) is None):
        return None
    response = make_response(render_template(
        "errors/session_ended.html", typed=typed,
        sign_in=url_for("auth.login", next=_page_to_return_to())), 401)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page_to_return_to() -> str | None:
    """This address, if it is a page one can open (a form's own page), else the home page."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    return request.path if adapter.test(request.path, method="GET") else None


def keep_unsaved_writing():
    """Words this session may not save (it ended, or the page was another account's): keep them.

    The editor's signed author note says whose they are; they are kept for that writer alone,
    and only while the note is fresh, from our own pages and within an entry's limits.
    Returns the response, or None when this request is not such a save.
    """
    if request.method != "POST" or request.endpoint not in ENTRY_EDITORS:
        return None
    fields = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    author = drafts.author_of(str(fields.get("author", ""))) if isinstance(fields, dict) else None
    if author is None or (current_user.is_authenticated and current_user.id == author.user_id):
        return None
    if refused():
        return _not_kept()  # the boundary removed characters: nothing is kept from it
    kept = (author.fresh and from_our_own_page(strict=False)
            and drafts.keep(author.user_id, _entry_in_url(), fields))
    if not kept:
        return _not_kept()
    message = OTHER_ACCOUNT if current_user.is_authenticated else SESSION_ENDED
    if request.endpoint == "journal.autosave":
        return jsonify(error=message, kept=True), 409
    if current_user.is_authenticated:
        flash(message, "error")
        return redirect(url_for("main.index"))
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.path))


#: The editor's fields that were typed or chosen: not its hidden version, which means nothing
#: to the writer.
EDITOR_FIELDS_SHOWN = frozenset(drafts.FIELDS) - {"version"}


def _not_kept():
    # Another account's page: its words are not shown to whoever is signed in now. With nobody
    # signed in, the words go back to the screen they came from, so nothing typed is lost.
    if request.endpoint == "journal.autosave":
        return jsonify(error=NOT_KEPT), 409
    if current_user.is_authenticated:
        flash(NOT_KEPT, "error")
        return redirect(url_for("main.index"))
    typed = [(name, value) for name, value in request.form.items(multi=True)
             if name in EDITOR_FIELDS_SHOWN]
    return render_template("errors/csrf.html", kept=typed, action=request.path,
                           not_kept=True), 400


def from_our_own_page(strict: bool) -> bool:
    """Whether the browser says this request came from one of our own pages.

    ``Sec-Fetch-Site`` decides where the browser sends it: no page can set it, and it does not
    depend on how a proxy rewrote the address. Older browsers are judged by ``Origin``, or the
    ``Referer`` where there is no ``Origin``. A request that says none of these is trusted only
    when not ``strict``.
    """
    if (fetch_site := request.headers.get("Sec-Fetch-Site")) is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.referrer
    if not source:
        return not strict
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}".lower() == f"{request.scheme}://{request.host}".lower()


def _entry_in_url() -> int | None:
    args = request.view_args or {}
    return parse_id(args.get("entry_id", args.get("slot")))


def require_role(bp: Blueprint, allowed: Callable[[Role], bool]) -> None:
    """Gate every route of ``bp``: users whose role fails ``allowed`` get 403 (and an audit row)."""

    @bp.before_request
    def role_gate():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not allowed(current_user.role):
            audit.record_now("denied", current_user, request.path)
            abort(403)
        return None


def found_or_404(value: T | None) -> T:
    """``value``, or a 404 when a loader found nothing."""
    if value is None:
        abort(404)
    return value


def get_own_entry_or_404(user: User, entry_id: int) -> Entry:
    """The user's own entry, or 404 whether it is someone else's or does not exist."""
    entry = journal_service.get_own_entry(user, entry_id)
    if entry is None:
        audit.record_now("denied", user, request.path)
        abort(404)
    return entry
