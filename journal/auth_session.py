"""Flask-Login wiring: loading the user from a session identity that carries a version."""

from flask import Flask, current_app, session

from journal.extensions import login_manager
from journal.models import User
from journal.services import accounts


def init_app(app: Flask) -> None:
    """Configure Flask-Login for this app."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    # "basic": phones change address all the time, so "strong" would sign writers out mid-entry.
    login_manager.session_protection = "basic"
    app.before_request(_keep_session_alive)


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Return the user for a session identity, or None once that session was ended."""
    return accounts.load_session_user(identity, current_app.config["REMEMBER_COOKIE_DURATION"])


def _keep_session_alive() -> None:
    # A permanent session is refreshed on each request, so PERMANENT_SESSION_LIFETIME is an
    # idle timeout rather than an absolute one. An empty session is left alone, so a request
    # from nobody sets no cookie: a late answer to one (a page left open, the service worker's
    # update check) would otherwise replace the session a sign-in page has just started, and
    # its form token with it, and signing in would fail.
    if session:
        session.permanent = True


#: Session key of a deactivated writer's withdraw-only session. It is not a Flask-Login session:
#: the writer never becomes ``current_user``, so every page but the withdraw-only ones refuses them.
WITHDRAW_ONLY = "withdraw_only"


def begin_withdraw_only(user: User) -> None:
    """Start a fresh session in which ``user`` (a deactivated writer) may only withdraw."""
    session.clear()
    session[WITHDRAW_ONLY] = user.get_id()


def withdrawing_user() -> User | None:
    """The deactivated writer of this withdraw-only session, or None."""
    return accounts.load_withdrawing_user(str(session.get(WITHDRAW_ONLY, "")),
                                          current_app.config["REMEMBER_COOKIE_DURATION"])


def end_withdraw_only() -> None:
    """Sign out of a withdraw-only session."""
    session.pop(WITHDRAW_ONLY, None)
