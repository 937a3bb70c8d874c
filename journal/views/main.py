"""The home page: a welcome for visitors, the right starting place for each role."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """Send each role to where its work is; explain the service to visitors."""
    if not current_user.is_authenticated:
        return render_template("main/index.html")
    if current_user.role.can_keep_journal():
        return redirect(url_for("journal.index"))
    if current_user.role.can_administer():
        return redirect(url_for("admin.users"))
    if current_user.role.can_review_shares():
        return redirect(url_for("research.queue"))
    return redirect(url_for("reading.index"))
