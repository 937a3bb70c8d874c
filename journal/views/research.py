"""The research team's review of shared entries. Researchers never see who wrote anything."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from journal.access import require_role
from journal.forms import ConfirmForm, ReturnForm, has_errors
from journal.models import Role, Share
from journal.services import sharing
from journal.services.errors import DomainError

bp = Blueprint("research", __name__, url_prefix="/research")
require_role(bp, Role.can_review_shares)


def _share_or_404(share_id: str) -> Share:
    share = sharing.get_share(share_id)
    if share is None:
        abort(404)
    return share


@bp.get("/queue")
def queue():
    """Shares waiting for review."""
    shares = sharing.pending_shares()
    return render_template("research/queue.html", shares=shares,
                           contexts=sharing.shown_contexts(shares))


@bp.get("/shares")
def shares():
    """Accepted shares, newest month first."""
    page = sharing.accepted_shares(request.args.get("page", 1, type=int))
    return render_template("research/shares.html", page=page,
                           contexts=sharing.shown_contexts(page.items))


@bp.get("/shares/<share_id>")
def share(share_id: str):
    """One share, with its review actions."""
    item = _share_or_404(share_id)
    return render_template("research/share.html", share=item, form=ConfirmForm(),
                           return_form=ReturnForm(),
                           context=sharing.shown_contexts([item])[item.id])


@bp.post("/shares/<share_id>/accept")
def accept(share_id: str):
    """Accept a share."""
    item = _share_or_404(share_id)
    try:
        sharing.accept(item)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash("Accepted.", "success")
    return redirect(url_for("research.queue"))


@bp.post("/shares/<share_id>/return")
def return_share(share_id: str):
    """Return a share to its writer with a reason."""
    item = _share_or_404(share_id)
    form = ReturnForm()
    if form.validate_on_submit():
        sharing.return_share(item, form.reason.data)
        flash("Returned to the writer with your reason.", "success")
        return redirect(url_for("research.queue"))
    return render_template("research/share.html", share=item, form=ConfirmForm(),
                           return_form=form,
                           context=sharing.shown_contexts([item])[item.id]), (
        422 if has_errors(form) else 200)


@bp.post("/shares/<share_id>/safeguarding")
def safeguarding(share_id: str):
    """Mark or clear "needs a safeguarding review"."""
    item = _share_or_404(share_id)
    needs = request.form.get("needs_review") == "1"
    sharing.set_safeguarding(item, needs)
    flash("Marked as needing a safeguarding review: it will be kept out of every collection."
          if needs else "Safeguarding review mark cleared.", "success")
    return redirect(url_for("research.share", share_id=item.id))
