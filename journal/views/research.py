"""The research team's review of shared entries. Researchers never see who wrote anything."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from journal.access import found_or_404, require_role
from journal.boundary import page_number, parse_id
from journal.forms import (
    ChangeTagForm,
    ConfirmForm,
    MemoForm,
    ReturnForm,
    TagForm,
    attach_error,
    has_errors,
    theme_choices,
)
from journal.forms.typed import typed_words
from journal.models import Role, Share
from journal.services import collections, research, review_queue, sharing
from journal.services.errors import DomainError

bp = Blueprint("research", __name__, url_prefix="/research")
require_role(bp, Role.can_review_shares)



@bp.get("/queue")
def queue():
    """Shares waiting for review; earlier days' held shares are released in a batch first."""
    config = current_app.config
    review_queue.release_held_shares(review_queue.today(), int(config["SHARE_RELEASE_BATCH"]),
                                     int(config["SHARE_RELEASE_MAX_DAYS"]))
    shares = sharing.pending_shares()
    return render_template("research/queue.html", shares=shares,
                           contexts=sharing.shown_contexts(shares))


@bp.get("/shares")
def shares():
    """Accepted shares, newest month first."""
    page = sharing.accepted_shares(page_number())
    return render_template("research/shares.html", page=page,
                           contexts=sharing.shown_contexts(page.items))


@bp.get("/shares/<share_id:share_id>")
def share(share_id: str):
    """One share, with its review actions, tags and memos."""
    return _share_page(found_or_404(sharing.get_share(share_id)))


def _share_page(item: Share, status: int = 200, **forms):
    tree = research.theme_tree()
    tag_form = forms.get("tag_form") or TagForm()
    tag_form.theme_ids.choices = theme_choices(tree)
    change_form = ChangeTagForm()
    change_form.theme_id.choices = theme_choices(tree)
    return render_template(
        "research/share.html", share=item, form=ConfirmForm(),
        return_form=forms.get("return_form") or ReturnForm(), tag_form=tag_form,
        memo_form=forms.get("memo_form") or MemoForm(), change_form=change_form,
        tags=research.tags_on(item), memos=research.memos_for(share=item), tree=tree,
        collection_choices=collections.all_collections(),
        context=sharing.shown_contexts([item])[item.id]), status


@bp.post("/shares/<share_id:share_id>/accept")
def accept(share_id: str):
    """Accept a share."""
    item = _share_or_gone(share_id)
    try:
        sharing.accept(item)
    except DomainError as error:
        if _is_gone(share_id):
            return _gone_page()
        flash(error.message, "info")
    else:
        flash("Accepted.", "success")
    return redirect(url_for("research.queue"))


@bp.post("/shares/<share_id:share_id>/return")
def return_share(share_id: str):
    """Return a share to its writer with a reason."""
    item = _share_or_gone(share_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            sharing.return_share(item, form.reason.data)
        except DomainError as error:
            if error.field:  # no reason given: the form again, with what was typed
                attach_error(form, error)
                return _share_page(item, 422, return_form=form)
            if _is_gone(share_id):
                return _gone_page()  # the reason typed is shown back to copy
            flash(error.message, "info")
        else:
            flash("Returned to the writer with your reason.", "success")
        return redirect(url_for("research.queue"))
    return _share_page(item, 422 if has_errors(form) else 200, return_form=form)


@bp.post("/shares/<share_id:share_id>/safeguarding")
def safeguarding(share_id: str):
    """Mark or clear "needs a safeguarding review"."""
    item = _share_or_gone(share_id)
    needs = request.form.get("needs_review") == "1"
    try:
        sharing.set_safeguarding(item, needs)
    except DomainError:
        return _gone_page()
    flash("Marked as needing a safeguarding review: it will be kept out of every collection."
          if needs else "Safeguarding review mark cleared.", "success")
    return redirect(url_for("research.share", share_id=share_id))


@bp.post("/shares/<share_id:share_id>/tags")
def tag(share_id: str):
    """Tag the whole share, or a passage of it, with one or more themes."""
    item = _share_or_gone(share_id)
    form = TagForm()
    form.theme_ids.choices = theme_choices(research.theme_tree())
    if form.validate_on_submit():
        try:
            made = research.tag_share(current_user, item, [
                parse_id(t) for t in form.theme_ids.data if parse_id(t)], form.excerpt.data or "")
        except DomainError as error:
            if _is_gone(share_id):
                return _gone_page()
            attach_error(form, error)
        else:
            flash(f"Tagged with {len(made)} theme{'s' if len(made) != 1 else ''}.", "success")
            return redirect(url_for("research.share", share_id=share_id) + "#tags")
    return _share_page(item, 422, tag_form=form)


def _share_or_gone(share_id: str) -> Share:
    """The share an action is for, or (withdrawn a moment ago, or never one the researcher could
    see: the same answer) the page that says so and shows back what was typed."""
    item = sharing.get_share(share_id)
    if item is None:
        abort(_gone_page())
    return item


def _gone_page():
    """What was typed, to copy, on the page saying the share is no longer available (404)."""
    return make_response(render_template("research/share_gone.html",
                                         typed=typed_words(request.form)), 404)


def _is_gone(share_id: str) -> bool:
    """Whether the share went (withdrawn or replaced by its writer) as the researcher acted."""
    return sharing.get_share(share_id) is None



@bp.post("/tags/<id:tag_id>/delete")
def untag(tag_id: int):
    """Remove a tag."""
    item = found_or_404(research.get_tag(tag_id))
    share_id = item.share_id
    research.remove_tag(item)
    flash("Tag removed.", "success")
    return redirect(url_for("research.share", share_id=share_id) + "#tags")


@bp.post("/tags/<id:tag_id>/theme")
def retag(tag_id: int):
    """Move a tag to another theme."""
    item = found_or_404(research.get_tag(tag_id))
    form = ChangeTagForm()
    if form.validate_on_submit() and (theme_id := parse_id(form.theme_id.data)):
        try:
            research.change_tag(item, theme_id)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("Tag changed.", "success")
    return redirect(url_for("research.share", share_id=item.share_id) + "#tags")


@bp.post("/shares/<share_id:share_id>/memos")
def share_memo(share_id: str):
    """Add a memo to a share (researchers only ever see memos)."""
    item = _share_or_gone(share_id)
    form = MemoForm()
    if form.validate_on_submit():
        try:
            research.add_memo(current_user, form.text.data, share=item)
        except DomainError as error:
            if _is_gone(share_id):
                return _gone_page()  # the memo typed is shown back to copy
            attach_error(form, error)
            return _share_page(item, 422, memo_form=form)
        flash("Memo saved.", "success")
        return redirect(url_for("research.share", share_id=share_id) + "#memos")
    return _share_page(item, 422, memo_form=form)
