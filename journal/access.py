"""Who may do what: the default-deny gate, role gates per blueprint and scoped loaders."""

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from journal.extensions import login_manager
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
                              "withdrawals.sign_out"})


def init_app(app: Flask) -> None:
    """Install the app-wide gate: sign-in is required except for PUBLIC_ENDPOINTS."""
    app.before_request(_require_sign_in)


#: Where a writer saves an entry: a save that arrives after the session ended is kept.
ENTRY_EDITORS = frozenset({"journal.new", "journal.edit"})


def _require_sign_in():
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None  # unknown URLs fall through to the 404 handler
    if current_user.is_authenticated:
        return None
    return keep_unsaved_writing() or login_manager.unauthorized()


def keep_unsaved_writing():
    """A save of an entry after the session ended: keep the text and send the writer to sign in.

    Returns the redirect, or None when this request is not such a save.
    """
    if (request.method != "POST" or request.endpoint not in ENTRY_EDITORS
            or current_user.is_authenticated):
        return None
    key = drafts.keep(request.form.to_dict(), request.form.get("author", ""))
    if key is None:
        return None
    session["kept_draft"] = key
    flash("Your session had ended, so we kept what you wrote. Sign in again and it will be "
          "back in the editor.", "info")
    return redirect(url_for("auth.login", next=request.path))


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
