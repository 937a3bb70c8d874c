"""The codebook: themes researchers tag shares with."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from journal.access import found_or_404, require_role
from journal.boundary import parse_id, parse_version
from journal.forms import (
    ConfirmForm,
    MemoForm,
    MergeForm,
    ThemeForm,
    attach_error,
    has_errors,
    theme_choices,
)
from journal.models import Role
from journal.services import collections, research, sharing
from journal.services.errors import DomainError, StaleEdit

bp = Blueprint("codebook", __name__, url_prefix="/research/themes")
require_role(bp, Role.can_review_shares)



def _parent_id(form: ThemeForm) -> int | None:
    return parse_id(form.parent_id.data)


@bp.route("/", methods=["GET", "POST"])
def index():
    """The codebook as a tree, with counts, and a form to add a theme."""
    tree = research.theme_tree()
    form = ThemeForm()
    form.parent_id.choices = theme_choices(tree, empty="Nothing: a top-level theme")
    if form.validate_on_submit():
        try:
            theme = research.save_theme(None, form.name.data, form.description.data or "",
                                        _parent_id(form))
        except DomainError as error:
            attach_error(form, error)
        else:
            flash(f"Theme “{theme.name}” added.", "success")
            return redirect(url_for("codebook.index"))
    return render_template("codebook/index.html", tree=tree, counts=research.theme_counts(),
                           form=form), 422 if has_errors(form) else 200


@bp.get("/<id:theme_id>")
def theme(theme_id: int):
    """Every excerpt and entry tagged with a theme (or its children), with context and memos."""
    return _theme_page(found_or_404(research.get_theme(theme_id)))


def _theme_page(item, memo_form: MemoForm | None = None, status: int = 200):
    tags = research.tags_for_theme(research.descendants(item))
    shares = list({tag.share.id: tag.share for tag in tags}.values())
    return render_template("codebook/theme.html", theme=item, tags=tags,
                           contexts=sharing.shown_contexts(shares),
                           memos=research.memos_for(theme=item),
                           memo_form=memo_form or MemoForm(),
                           collection_choices=collections.all_collections()), status


@bp.route("/<id:theme_id>/edit", methods=["GET", "POST"])
def edit(theme_id: int):
    """Rename, describe or move a theme; merge it into another."""
    item = found_or_404(research.get_theme(theme_id))
    tree = research.theme_tree()
    form = ThemeForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.parent_id.data = str(item.parent_id or "")
        form.version.data = str(item.version)
    form.parent_id.choices = theme_choices([(t, d) for t, d in tree if t.id != item.id],
                                           empty="Nothing: a top-level theme")
    merge = MergeForm()
    merge.target_id.choices = theme_choices([(t, d) for t, d in tree if t.id != item.id],
                                            empty="Choose a theme")
    if form.validate_on_submit():
        try:
            research.save_theme(item, form.name.data, form.description.data or "",
                                _parent_id(form), parse_version(request.form))
        except StaleEdit as error:
            return _theme_conflict(theme_id, form, merge, error)
        except DomainError as error:
            attach_error(form, error)
        else:
            flash("Theme saved.", "success")
            return redirect(url_for("codebook.theme", theme_id=item.id))
    return render_template("codebook/edit.html", theme=item, form=form, merge=merge), (
        422 if has_errors(form) else 200)


def _theme_conflict(theme_id: int, form: ThemeForm, merge: MergeForm, error: StaleEdit):
    """Saved elsewhere since this page was drawn: show what is saved and what was typed."""
    item = found_or_404(research.get_theme(theme_id))
    attach_error(form, error)
    form.version.data = str(item.version)
    return render_template("codebook/edit.html", theme=item, form=form, merge=merge,
                           stale=True), 409


@bp.post("/<id:theme_id>/merge")
def merge(theme_id: int):
    """Merge a theme into another: its tags move and it is deleted."""
    item = found_or_404(research.get_theme(theme_id))
    form = MergeForm()
    target_id = parse_id(form.target_id.data)
    target = research.get_theme(target_id) if target_id else None
    if not form.validate_on_submit() or target is None:
        flash("Choose a theme to merge into.", "error")
        return redirect(url_for("codebook.edit", theme_id=item.id))
    try:
        name = item.name
        moved = research.merge_themes(item, target)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("codebook.edit", theme_id=theme_id))
    flash(f"“{name}” merged into “{target.name}”: {moved} tag(s) moved.", "success")
    return redirect(url_for("codebook.theme", theme_id=target.id))


@bp.route("/<id:theme_id>/delete", methods=["GET", "POST"])
def delete(theme_id: int):
    """Ask (saying how many tags go with it), then delete a theme."""
    item = found_or_404(research.get_theme(theme_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        name = item.name
        try:
            removed = research.delete_theme(item)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(f"Theme “{name}” deleted with {removed} tag(s).", "success")
        return redirect(url_for("codebook.index"))
    counts = research.theme_counts().get(item.id)
    return render_template("codebook/delete.html", theme=item, form=form,
                           tags=(counts.entries + counts.excerpts) if counts else 0)


@bp.post("/<id:theme_id>/memos")
def memo(theme_id: int):
    """Add a memo to a theme."""
    item = found_or_404(research.get_theme(theme_id))
    form = MemoForm()
    if form.validate_on_submit():
        try:
            research.add_memo(current_user, form.text.data, theme=item)
        except DomainError as error:
            if not error.field:  # the theme went (merged away): its page is gone too
                flash(error.message, "error")
                return redirect(url_for("codebook.index"))
            attach_error(form, error)
        else:
            flash("Memo saved.", "success")
            return redirect(url_for("codebook.theme", theme_id=theme_id) + "#memos")
    # The memo box again, with what was typed and the real reason (too long, hidden characters).
    return _theme_page(item, form, 422)
