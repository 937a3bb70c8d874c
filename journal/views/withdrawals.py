"""A deactivated writer's one remaining power: seeing and withdrawing what they shared."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from journal import auth_session
from journal.access import found_or_404
from journal.extensions import login_manager
from journal.forms import ConfirmForm
from journal.services import journal as journal_service
from journal.services import sharing

bp = Blueprint("withdrawals", __name__, url_prefix="/withdraw")


@bp.before_request
def withdraw_only_gate():
    """Only a deactivated writer's withdraw-only session reaches these pages."""
    g.writer = auth_session.withdrawing_user()
    if g.writer is None:
        return abort(403) if current_user.is_authenticated else login_manager.unauthorized()
    return None


@bp.get("/")
def index():
    """The deactivated writer's shared entries, each with a button to withdraw it."""
    return render_template("withdrawals/index.html", shares=sharing.my_shares(g.writer),
                           form=ConfirmForm(), bare=True)


@bp.post("/<id:entry_id>")
def withdraw(entry_id: int):
    """Withdraw one share: its text is deleted, as from "My shared entries"."""
    entry = found_or_404(journal_service.get_own_entry(g.writer, entry_id))
    if sharing.withdraw(g.writer, entry):
        flash("Withdrawn. The shared text has been deleted and is no longer seen anywhere.",
              "success")
    else:
        flash("This entry is not shared, so there was nothing to withdraw.", "info")
    return redirect(url_for("withdrawals.index"))


@bp.post("/sign-out")
def sign_out():
    """End the withdraw-only session."""
    auth_session.end_withdraw_only()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
