"""Signing up, in and out, and changing one's password."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from journal.forms import (
    ChangePasswordForm,
    LoginForm,
    SignupForm,
    attach_error,
    has_errors,
)
from journal.services import accounts
from journal.services.errors import AccountError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative ``next`` (no open redirects)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; failures are throttled per username and per address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.username.data, form.password.data, request.remote_addr or "unknown",
                max_failures=int(current_app.config["LOGIN_MAX_FAILURES"]),
                window=timedelta(minutes=int(current_app.config["LOGIN_WINDOW_MINUTES"])),
            )
        except AccountError as error:
            form.form_errors.append(error.message)
            return render_template("auth/login.html", form=form), 422
        _start_session(user, remember=form.remember.data)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _start_session(user, remember: bool = False) -> None:
    # A clean session: a page or autosave left open by whoever used this browser before can
    # carry no token or state that is still good for this account (a ward computer, a lent phone).
    session.clear()
    session.permanent = True  # cleared with the rest: the idle timeout applies from the start
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create a writer account with a username and password only."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    open_signup = current_app.config["OPEN_SIGNUP"]
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up_writer(form.username.data, form.password.data,
                                           form.invite_code.data, open_signup)
        except AccountError as error:
            attach_error(form, error)
        else:
            _start_session(user)
            flash("Welcome. Your journal is private: only you can read it.", "success")
            return redirect(url_for("journal.index"))
    status = 422 if has_errors(form) else 200
    return render_template("auth/signup.html", form=form, open_signup=open_signup), status


@bp.post("/logout")
def logout():
    """Sign out here and end this account's sessions everywhere."""
    accounts.sign_out(current_user._get_current_object())
    logout_user()
    session.clear()  # nothing of this session (its form token included) outlives it
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; other sessions of the account end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data)
        except AccountError as error:
            attach_error(form, error)
        else:
            login_user(user)  # this device stays signed in with the new session version
            flash("Your password has been changed. Other devices have been signed out.",
                  "success")
            return redirect(url_for("main.index"))
    status = 422 if has_errors(form) else 200
    return render_template("auth/change_password.html", form=form), status
