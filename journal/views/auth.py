"""Signing up, in and out, and changing one's password."""

from datetime import timedelta

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

from journal import auth_session
from journal.forms import (
    ChangePasswordForm,
    LoginForm,
    SignupForm,
    attach_error,
    has_errors,
)
from journal.services import accounts, sign_in
from journal.services.errors import AccountError, SignInThrottled, SignUpThrottled
from journal.views import local_path

bp = Blueprint("auth", __name__)

#: Names the accounts that signed in on this browser before (see journal.services.sign_in).
DEVICE_COOKIE = "journal_device"


def _safe_next(target: str | None) -> str:
    """Only follow a same-site relative ``next`` (no open redirects), else go home."""
    return local_path(target) or url_for("main.index")


def _limits(per_address_setting: str) -> sign_in.SignInLimits:
    """Failure limits from the configuration: per account, and per address for this form."""
    config = current_app.config
    return sign_in.SignInLimits(
        per_account=int(config["LOGIN_MAX_FAILURES"]),
        per_address=int(config[per_address_setting]),
        window=timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"])))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; failures are throttled per account, per trusted device and per address."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        device = sign_in.read_device(secret, request.cookies.get(DEVICE_COOKIE, ""),
                                     _device_trust())
        try:
            user = sign_in.authenticate(
                form.username.data, form.password.data, request.remote_addr or "unknown",
                device, _limits("LOGIN_ADDRESS_MAX_FAILURES"), secret)
        except AccountError as error:
            form.form_errors.append(error.message)
            return render_template("auth/login.html", form=form), 422
        response = _start_session(user, form.remember.data)
        response.set_cookie(DEVICE_COOKIE, sign_in.trust_device(secret, device, user),
                            max_age=int(_device_trust().total_seconds()),
                            path=url_for("auth.login"), secure=request.is_secure,
                            httponly=True, samesite="Lax")
        return response
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _start_session(user, remember: bool = False):
    """A clean session (full, or for a deactivated writer one that may only withdraw their
    shares); returns the redirect to where it starts."""
    # A page or autosave left open by whoever used this browser before can carry no token or
    # state that is still good for this account (a ward computer, a lent phone).
    session.clear()
    session.permanent = True  # cleared with the rest: the idle timeout applies from the start
    if not user.active:
        auth_session.begin_withdraw_only(user)
        return redirect(url_for("withdrawals.index"))
    login_user(user, remember=remember)
    return redirect(_safe_next(request.args.get("next")))


def _device_trust() -> timedelta:
    return timedelta(days=int(current_app.config["DEVICE_TRUST_DAYS"]))


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Create a writer account with a username and password only."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    open_signup = current_app.config["OPEN_SIGNUP"]
    form = SignupForm()
    throttled = False
    if form.validate_on_submit():
        try:
            user = accounts.sign_up_writer(
                form.username.data, form.password.data, form.invite_code.data, open_signup,
                request.remote_addr or "unknown", _limits("SIGNUP_ADDRESS_MAX_FAILURES"))
        except AccountError as error:
            attach_error(form, error)
            throttled = isinstance(error, SignUpThrottled)
        else:
            _start_session(user)
            flash("Welcome. Your journal is private: only you can read it.", "success")
            return redirect(url_for("journal.index"))
    status = 429 if throttled else 422 if has_errors(form) else 200
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
    throttled = False
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data,
                                     _limits("LOGIN_ADDRESS_MAX_FAILURES"))
        except AccountError as error:
            attach_error(form, error)
            throttled = isinstance(error, SignInThrottled)
        else:
            login_user(user)  # this device stays signed in with the new session version
            flash("Your password has been changed. Other devices have been signed out.",
                  "success")
            return redirect(url_for("main.index"))
    status = 429 if throttled else 422 if has_errors(form) else 200
    return render_template("auth/change_password.html", form=form), status
