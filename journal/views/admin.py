"""Admin pages: accounts, invite codes and the audit log. Never any entry."""

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from journal.access import found_or_404, require_role
from journal.boundary import page_number
from journal.forms import ConfirmForm, CreateAccountForm, attach_error, has_errors
from journal.models import Role
from journal.services import accounts, audit
from journal.services.errors import AccountError

bp = Blueprint("admin", __name__, url_prefix="/admin")
require_role(bp, Role.can_administer)


@bp.get("/users")
def users():
    """Every account with its role and whether it is active."""
    return render_template("admin/users.html", users=accounts.list_users(), form=ConfirmForm())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account of any role."""
    form = CreateAccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(current_user, form.username.data,
                                           Role(form.role.data), form.password.data)
        except AccountError as error:
            attach_error(form, error)
        else:
            role = user.role.label.lower()
            if user.awaiting_approval:
                flash(f"Account {user.username} asked for as {role}. A second admin must "
                      "approve it on this page before it can sign in.", "success")
            else:
                flash(f"Account {user.username} created as {role}.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form), 422 if has_errors(form) else 200


@bp.post("/users/<id:user_id>/deactivate")
def deactivate(user_id: int):
    """Deactivate an account and end its sessions."""
    user = found_or_404(accounts.get_user_or_none(user_id))
    try:
        accounts.deactivate(current_user, user)
    except AccountError as error:
        flash(error.message, "error")
    else:
        also = (" They can still sign in, but only to see and withdraw their shared entries; "
                "what they shared stays with the research team until they withdraw it."
                if user.role is Role.WRITER else "")
        flash(f"Account {user.username} deactivated and signed out everywhere.{also}",
              "success")
    return redirect(url_for("admin.users"))


@bp.post("/users/<id:user_id>/approve")
def approve(user_id: int):
    """Approve a researcher or admin account that a different admin asked for."""
    user = found_or_404(accounts.get_user_or_none(user_id))
    try:
        accounts.approve(current_user, user)
    except AccountError as error:
        flash(error.message, "error")
    else:
        flash(f"Account {user.username} approved: it can sign in now.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/invites", methods=["GET", "POST"])
def invites():
    """Make single-use invite codes for writers when sign-up is closed."""
    form = ConfirmForm()
    code = accounts.create_invite(current_user) if form.validate_on_submit() else None
    # The new code is shown on this response only, never flashed: a flash message travels in
    # the session cookie, which is signed but readable by anyone who holds it.
    response = make_response(render_template("admin/invites.html", form=form, new_code=code,
                                              days=accounts.INVITE_DAYS,
                                              invites=accounts.list_invites()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/audit")
def audit_log():
    """Security events counted per day, newest day first."""
    page = page_number()
    return render_template("admin/audit_log.html", events=audit.recent_events(page))
